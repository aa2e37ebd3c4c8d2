// Issue 13's screens, the pure part: the words for a recipe's mixes and oven loads, the amount a baker types
// into the scale control, and the equipment form (what save_equipment takes, and its problems per input).
import { ApiError } from './api';
import type { MessageKey, Params } from './i18n';
import type { EquipmentRecord, PlanMixes, PlanOvenLoads } from './types';

type T = (key: MessageKey, params?: Params) => string;
type Num = (value: number) => string;

/** "4 batches → 2 mixes of 2 in the 20-qt Hobart" (also "5 batches → 2 mixes (3 + 2) …" and split batches). */
export function mixesText(m: PlanMixes, t: T, num: Num): string {
  const batches = m.mixes.reduce((a, b) => a + b, 0);
  // "4 batches", "1 batch": the plan's own words for a number of batches.
  const params = { lead: t('plan.batchCount', { count: batches }), count: m.count, mixer: m.mixer_name, per: num(m.batches_per_mix) };
  if (!m.whole_batches || m.split_into > 1) {
    return t('beyond.mixesSplit', { ...params, count: m.count, parts: m.split_into, part: num(1 / m.split_into) });
  }
  const even = m.mixes.every((x) => x === m.mixes[0]);
  if (even) return t('beyond.mixesEven', { ...params, per: num(m.mixes[0] ?? 0) });
  return t('beyond.mixesUneven', { ...params, split: m.mixes.map(num).join(' + ') });
}

/** "6 pans → 2 oven loads in the Deck oven (4 pans a load)". */
export function ovenText(o: PlanOvenLoads, t: T, num: Num): string {
  return t('beyond.ovenLoads', { pans: num(o.pans), count: o.count, oven: o.oven_name, perLoad: num(o.pans_per_load) });
}

const GLYPHS: Record<string, number> = { '¼': 0.25, '½': 0.5, '¾': 0.75, '⅓': 1 / 3, '⅔': 2 / 3, '⅛': 0.125, '⅜': 0.375, '⅝': 0.625, '⅞': 0.875 };

/** What a baker types as an amount: "3", "1,5", "1.5", "1 1/2", "3/4", "2 ½", "½". Null when it is none. */
export function parseAmount(text: string): number | null {
  let s = String(text ?? '').trim();
  if (!s) return null;
  let glyph = 0;
  const last = s.slice(-1);
  if (last in GLYPHS) {
    glyph = GLYPHS[last];
    s = s.slice(0, -1).trim();
    if (!s) return glyph;
  }
  let value: number;
  const mixed = /^(\d+)\s+(\d+)\/(\d+)$/.exec(s);
  const frac = /^(\d+)\/(\d+)$/.exec(s);
  if (mixed) value = Number(mixed[1]) + Number(mixed[2]) / Number(mixed[3]);
  else if (frac) value = Number(frac[1]) / Number(frac[2]);
  else if (/^\d+([.,]\d+)?$|^[.,]\d+$/.test(s)) value = Number(s.replace(',', '.'));
  else return null;
  if (glyph && (mixed || frac || !Number.isInteger(value))) return null;
  value += glyph;
  return Number.isFinite(value) ? value : null;
}

/** Mixer capacities and batch sizes: volumes and weights (the words the functions take, and their codes). */
export const MIXER_UNITS: { word: string; code: string }[] = [
  { word: 'qt', code: 'QTL' }, { word: 'l', code: 'LTR' }, { word: 'gal', code: 'GLL' },
  { word: 'kg', code: 'KGM' }, { word: 'lb', code: 'LBR' }, { word: 'g', code: 'GRM' }, { word: 'oz', code: 'ONZ' }
];
const CODE_BY_WORD = new Map(MIXER_UNITS.map((u) => [u.word, u.code]));
const WORD_BY_CODE = new Map(MIXER_UNITS.map((u) => [u.code, u.word]));
/** The word the form keeps for a unit the export gives ("qt", or a code such as "QTL"). */
export const unitWordOf = (u: string | undefined | null) => (u ? (WORD_BY_CODE.get(u) ?? u) : 'qt');
export const unitCodeOf = (word: string) => CODE_BY_WORD.get(word) ?? word;

/** One mixer or oven in the form: numbers kept as the baker typed them. */
export interface EquipmentForm {
  slug: string;
  name: string;
  kind: 'mixer' | 'oven';
  capacity: string;
  capacity_unit: string;
  pans_per_load: string;
  uses: { recipe_slug: string; amount: string; unit: string }[];
}

const str = (v: unknown) => (v == null ? '' : String(v));

/** The export's equipment records as forms. */
export function toForms(records: EquipmentRecord[]): EquipmentForm[] {
  return records.map((r) => ({
    slug: str(r.slug),
    name: str(r.name),
    kind: r.kind === 'oven' ? 'oven' : 'mixer',
    capacity: str(r.capacity),
    capacity_unit: unitWordOf(r.capacity_unit),
    pans_per_load: str(r.pans_per_load),
    uses: (r.recipes ?? []).map((u) => ({
      recipe_slug: str(u.recipe_slug),
      amount: str('batch_size' in u ? u.batch_size : 'pans_per_batch' in u ? u.pans_per_batch : ''),
      unit: 'batch_unit' in u ? unitWordOf(u.batch_unit) : ''
    }))
  }));
}

/** A number as typed, or the text itself so the functions name it as bad. */
function numberOrText(text: string): number | string {
  const n = parseAmount(text);
  return n ?? text.trim();
}

/** What save_equipment takes: every form, a mixer with its capacity and batch sizes, an oven with pans. */
export function toRecords(forms: EquipmentForm[]): EquipmentRecord[] {
  return forms.map((f) => {
    const uses = f.uses.filter((u) => u.recipe_slug);
    const base = { ...(f.slug ? { slug: f.slug } : {}), name: f.name.trim(), kind: f.kind };
    if (f.kind === 'mixer') {
      return {
        ...base,
        capacity: numberOrText(f.capacity) as number,
        capacity_unit: f.capacity_unit,
        recipes: uses.map((u) => ({ recipe_slug: u.recipe_slug, batch_size: numberOrText(u.amount) as number, batch_unit: u.unit || f.capacity_unit }))
      };
    }
    return { ...base, pans_per_load: numberOrText(f.pans_per_load) as number, recipes: uses.map((u) => ({ recipe_slug: u.recipe_slug, pans_per_batch: numberOrText(u.amount) as number })) };
  });
}

/** A refused save's problems by input: "0.capacity" (the form's index and field); "" for the rest. */
export function equipmentProblems(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError)) return out;
  const add = (key: string, message: string) => (out[key] = out[key] ? `${out[key]}; ${message}` : message);
  const details = (e.details ?? []) as { entity?: string; index?: number | null; field?: string | null; message?: string }[];
  if (e.code === 'invalid_records' && details.length) {
    for (const d of details) {
      if (!d || typeof d !== 'object') continue;
      const field = FIELD_OF[d.field ?? ''] ?? d.field ?? '';
      add(d.index != null && field ? `${d.index}.${field}` : '', d.message ?? '');
    }
    return out;
  }
  add('', e.message);
  return out;
}

/** The functions' field names → the form's inputs (a recipe's use is one input pair per line). */
const FIELD_OF: Record<string, string> = {
  name: 'name', kind: 'kind', capacity: 'capacity', capacity_unit: 'capacity_unit', pans_per_load: 'pans_per_load',
  batch_size: 'uses', batch_unit: 'uses', pans_per_batch: 'uses', recipe_slug: 'uses', recipe_name: 'uses', recipes: 'uses', slug: 'name'
};

/** A target margin or a buffer as typed ("10", "12,5"); '' is none (null); anything else is sent as typed. */
export function percentOrNull(text: string): number | string | null {
  const s = String(text ?? '').trim();
  if (!s) return null;
  return parseAmount(s) ?? s;
}
