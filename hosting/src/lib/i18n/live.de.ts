// German strings for the live part of AI input (merged into de.ts).
import type { liveEn } from './live.en';

export const liveDe: Record<keyof typeof liveEn, string> = {
};
