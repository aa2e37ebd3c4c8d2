// English strings for the live part of AI input (merged into en.ts).
export const liveEn = {
} as const;
