// German strings for the photo part of AI input (merged into de.ts).
import type { photoEn } from './photo.en';

export const photoDe: Record<keyof typeof photoEn, string> = {
};
