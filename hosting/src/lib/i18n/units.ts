// Words for the UN/CEFACT codes the functions answer with. Display only: no conversion happens here.
import type { Locale } from './index';

/** [singular, plural] per locale; abbreviations that do not change are given once. */
type Words = Record<Locale, [string, string]>;
const same = (en: string, de = en): Words => ({ en: [en, en], de: [de, de] });

export const UNIT_WORDS: Record<string, Words> = {
  GRM: same('g'),
  KGM: same('kg'),
  MGM: same('mg'),
  ONZ: same('oz'),
  LBR: same('lb'),
  MLT: same('ml'),
  LTR: same('l'),
  G25: { en: ['tsp', 'tsp'], de: ['TL', 'TL'] },
  G24: { en: ['tbsp', 'tbsp'], de: ['EL', 'EL'] },
  G21: { en: ['cup', 'cups'], de: ['Tasse', 'Tassen'] },
  OZA: same('fl oz'),
  PTL: { en: ['pint', 'pints'], de: ['Pint', 'Pints'] },
  QTL: { en: ['quart', 'quarts'], de: ['Quart', 'Quarts'] },
  GLL: { en: ['gallon', 'gallons'], de: ['Gallone', 'Gallonen'] },
  H87: { en: ['piece', 'pieces'], de: ['Stück', 'Stück'] },
  DZN: { en: ['dozen', 'dozen'], de: ['Dutzend', 'Dutzend'] },
  MMT: same('mm'),
  CMT: same('cm'),
  MTR: same('m'),
  INH: same('in'),
  FOT: same('ft'),
  YRD: same('yd'),
  BG: { en: ['bag', 'bags'], de: ['Beutel', 'Beutel'] },
  BX: { en: ['box', 'boxes'], de: ['Schachtel', 'Schachteln'] },
  JR: { en: ['jar', 'jars'], de: ['Glas', 'Gläser'] },
  CA: { en: ['can', 'cans'], de: ['Dose', 'Dosen'] },
  BO: { en: ['bottle', 'bottles'], de: ['Flasche', 'Flaschen'] },
  PA: { en: ['packet', 'packets'], de: ['Päckchen', 'Päckchen'] },
  PK: { en: ['package', 'packages'], de: ['Packung', 'Packungen'] },
  TU: { en: ['tube', 'tubes'], de: ['Tube', 'Tuben'] },
  CT: { en: ['carton', 'cartons'], de: ['Karton', 'Kartons'] },
  RO: { en: ['roll', 'rolls'], de: ['Rolle', 'Rollen'] },
  STI: { en: ['stick', 'sticks'], de: ['Stange', 'Stangen'] }
};

/** Kitchen measures read best as fractions ("2 ¼ cups"); weights and metric volumes as decimals. */
export const FRACTION_UNITS = new Set(['G21', 'G24', 'G25']);

/** Units the baker may type a loss in (codes; the functions also accept the words). */
export const ENTRY_UNITS = ['GRM', 'KGM', 'ONZ', 'LBR', 'MLT', 'LTR', 'G25', 'G24', 'G21', 'OZA', 'H87', 'DZN'];

export function unitWord(code: string, locale: Locale, plural: boolean): string {
  const words = UNIT_WORDS[code];
  if (!words) return code;
  return words[locale][plural ? 1 : 0];
}
