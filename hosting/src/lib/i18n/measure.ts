// Quantities in the bakery's unit system, for display only. The functions answer UN/CEFACT codes; here a
// quantity is converted only within its dimension (mass to mass, volume to volume), where the factors are
// exact by definition. Never volume to mass: that needs an ingredient's density, which only the functions know.
export type UnitSystem = 'us' | 'metric';

/** Grams per unit. */
const MASS: Record<string, number> = { GRM: 1, KGM: 1000, ONZ: 28.349523125, LBR: 453.59237 };
/** Millilitres per unit (US customary). */
const VOLUME: Record<string, number> = {
  MLT: 1, LTR: 1000, G25: 4.92892159375, G24: 14.78676478125, G21: 236.5882365, OZA: 29.5735295625,
  PTL: 473.176473, QTL: 946.352946, GLL: 3785.411784
};
/** Kept as they are in metric too: teaspoons and tablespoons are how metric kitchens measure small amounts. */
const SPOONS = new Set(['G25', 'G24']);

/** [value, code] as the bakery reads it; anything else (counts, packaging, mg, spoons) unchanged. */
export function toSystem(value: number, code: string, system: UnitSystem): [number, string] {
  if (!Number.isFinite(value)) return [value, code];
  if (code in MASS) {
    const grams = value * MASS[code];
    if (system === 'metric') {
      if (code === 'GRM' || code === 'KGM') return code === 'GRM' && grams >= 1000 ? [grams / 1000, 'KGM'] : [value, code];
      return Math.abs(grams) >= 1000 ? [grams / 1000, 'KGM'] : [grams, 'GRM'];
    }
    if (code === 'ONZ' || code === 'LBR') return [value, code];
    return Math.abs(grams) >= MASS.LBR ? [grams / MASS.LBR, 'LBR'] : [grams / MASS.ONZ, 'ONZ'];
  }
  if (code in VOLUME) {
    const ml = value * VOLUME[code];
    if (system === 'metric') {
      if (SPOONS.has(code) || code === 'MLT' || code === 'LTR') return code === 'MLT' && ml >= 1000 ? [ml / 1000, 'LTR'] : [value, code];
      return Math.abs(ml) >= 1000 ? [ml / 1000, 'LTR'] : [ml, 'MLT'];
    }
    if (code !== 'MLT' && code !== 'LTR') return [value, code];
    const abs = Math.abs(ml);
    if (abs >= VOLUME.G21 / 4) return [ml / VOLUME.G21, 'G21'];
    if (abs >= VOLUME.G24) return [ml / VOLUME.G24, 'G24'];
    return [ml / VOLUME.G25, 'G25'];
  }
  return [value, code];
}
