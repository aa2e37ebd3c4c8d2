// English strings for the photo part of AI input (merged into en.ts).
export const photoEn = {
} as const;
