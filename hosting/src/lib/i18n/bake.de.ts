// Deutsch: Backen und Zusammenstellen aus dem Plan (in de.ts eingebunden).
import type { bakeEn } from './bake.en';

export const bakeDe: Record<keyof typeof bakeEn, string> = {
  'bake.action': 'Gebacken …'
};
