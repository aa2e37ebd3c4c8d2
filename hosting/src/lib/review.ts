// The review screen's logic, kept free of components: which fields a proposed operation shows, what the AI
// read against what the baker set, and which flags and problems belong to which field.
import { translate, type Locale, type MessageKey } from './i18n';
import type { ProposalOperation } from './types';

/** Below this the AI's reading is shown as uncertain (the backend flags < 60 % too). */
export const LOW_CONFIDENCE = 0.6;
/** Catalog keys the resolver sets: offered as alternatives, not shown as fields. */
export const RESOLUTION_KEYS = new Set(['product_id', 'ingredient_slug', 'supplier_slug', 'finished_good_slug', 'alternatives']);
/** The order fields are shown in (others follow, alphabetically). */
const ORDER = ['item_name', 'brand', 'quantity', 'unit', 'packages', 'package_size', 'package_unit', 'price', 'store', 'purchased_on', 'upc', 'percentage', 'remaining_percentage', 'amount_left', 'loss', 'reason', 'name', 'date', 'items', 'notes'];

export interface Alternative {
  kind: string;
  key: string;
  label: string;
}

export interface FieldRow {
  field: string;
  /** What the AI read (undefined: it read nothing for this field). */
  proposed: unknown;
  /** What stands now. */
  value: unknown;
  edited: boolean;
  /** Changed because the baker changed another field it depends on (packages → quantity, unit price → total). */
  derived: boolean;
  confidence: number | null;
  low: boolean;
  flags: string[];
  problems: string[];
}

export interface Formatters {
  money: (v: number) => string;
  num: (v: number) => string;
  unit: (code: string) => string;
  /** A day (YYYY-MM-DD) as the baker's locale writes it; without it the ISO day is shown. */
  date?: (iso: string) => string;
}

/** The field a flag or a problem names: "item_name: 'flour' is not matched" → item_name; "items[0].quantity" → items. */
export function fieldOf(name: string): string {
  return name.split(/[.[]/)[0].trim();
}

/** Flags by field ("field: text"); those naming no field of the operation are general. */
export function splitFlags(flags: string[], fields: Iterable<string>): { byField: Map<string, string[]>; general: string[] } {
  const known = new Set(fields);
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  for (const flag of flags) {
    const m = /^([A-Za-z_][\w.[\]]*)\s*:\s*(.+)$/s.exec(flag);
    const field = m ? fieldOf(m[1]) : '';
    if (m && known.has(field)) byField.set(field, [...(byField.get(field) ?? []), m[2]]);
    else general.push(flag);
  }
  return { byField, general };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** One row per field the AI read or the baker set, in reading order; flags and problems on their fields. */
export function fieldRows(op: Pick<ProposalOperation, 'proposed' | 'args'> & Partial<ProposalOperation>): { rows: FieldRow[]; general: string[]; generalProblems: string[] } {
  const names = new Set([...Object.keys(op.proposed ?? {}), ...Object.keys(op.args ?? {}), ...(op.problems ?? []).map((p) => fieldOf(p.field)).filter(Boolean)]);
  for (const key of RESOLUTION_KEYS) names.delete(key);
  const fields = [...names].sort((a, b) => {
    const ia = ORDER.indexOf(a), ib = ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const { byField, general } = splitFlags(op.flags ?? [], fields);
  const problems = new Map<string, string[]>();
  const generalProblems: string[] = [];
  for (const p of op.problems ?? []) {
    const f = fieldOf(p.field);
    if (f && names.has(f)) problems.set(f, [...(problems.get(f) ?? []), p.reason]);
    else generalProblems.push(p.field ? `${p.field}: ${p.reason}` : p.reason);
  }
  const editedList = new Set(op.edited_fields ?? []);
  const derivedList = new Set(op.derived_fields ?? []);
  const rows = fields.map((field): FieldRow => {
    const proposed = op.proposed?.[field];
    const value = op.args?.[field];
    const confidence = typeof op.confidence?.[field] === 'number' ? (op.confidence[field] as number) : null;
    return {
      field,
      proposed,
      value,
      edited: editedList.has(field) || !same(proposed, value),
      derived: derivedList.has(field),
      confidence,
      low: confidence !== null && confidence < LOW_CONFIDENCE,
      flags: byField.get(field) ?? [],
      problems: problems.get(field) ?? []
    };
  });
  return { rows, general, generalProblems };
}

/** A value as the baker reads it: money for prices, unit words for unit codes, numbers by locale. */
export function formatValue(field: string, value: unknown, f: Formatters): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') {
    if (field === 'price' || field.endsWith('_price')) return f.money(value);
    if (field === 'percentage' || field === 'remaining_percentage') return `${f.num(value)} %`;
    return f.num(value);
  }
  if (typeof value === 'string') {
    if (field === 'unit' || field.endsWith('_unit')) return f.unit(value);
    if (f.date && (field === 'date' || field.endsWith('_on')) && /^\d{4}-\d{2}-\d{2}$/.test(value)) return f.date(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => (v && typeof v === 'object' ? Object.values(v).filter((x) => typeof x !== 'object').join(' ') : String(v))).join(', ');
  return JSON.stringify(value);
}

/** "AI suggested 2 lb · you set 5 lb" once edited, "… · now 15 lb, following your change" when it moved with
 *  another field the baker set, else "AI suggested 2 lb". */
export function aiVsYou(locale: Locale, row: Pick<FieldRow, 'field' | 'proposed' | 'value' | 'edited'> & Partial<Pick<FieldRow, 'derived'>>, f: Formatters): string {
  const ai = formatValue(row.field, row.proposed, f);
  if (!row.edited) return translate(locale, 'review.aiSuggested', { value: ai });
  if (row.derived) return translate(locale, 'review.aiVsDerived', { ai, now: formatValue(row.field, row.value, f) });
  return translate(locale, 'review.aiVsYou', { ai, you: formatValue(row.field, row.value, f) });
}

/** The field's name in words, or the field itself when the app has no word for it. */
export function fieldLabel(locale: Locale, field: string): string {
  const key = `review.field.${field}` as MessageKey;
  const text = translate(locale, key);
  return text === key ? field.replace(/_/g, ' ') : text;
}

/** What the baker typed, as the value the field takes: numbers stay numbers (a comma decimal accepted); empty clears. */
export function parseInput(previous: unknown, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (typeof previous === 'number') {
    const n = Number(trimmed.replace(/[^\d,.-]/g, '').replace(',', '.'));
    return Number.isFinite(n) ? n : trimmed;
  }
  return trimmed;
}

/** The field an error names ("operations.0.price" → index 0, field price), for showing it on the field. */
export function errorTarget(field: string | null | undefined): { index: number; field: string } | null {
  const m = /^operations\.(\d+)\.([^.]+)/.exec(field ?? '');
  return m ? { index: Number(m[1]), field: m[2] } : null;
}

/** The key an alternative sets when chosen. */
export function alternativeKey(kind: string): string {
  return ({ product: 'product_id', ingredient: 'ingredient_slug', supplier: 'supplier_slug', finished_good: 'finished_good_slug' } as Record<string, string>)[kind] ?? `${kind}_id`;
}

export function alternatives(args: Record<string, unknown>): Alternative[] {
  const list = args.alternatives;
  return Array.isArray(list) ? list.filter((a): a is Alternative => !!a && typeof a === 'object' && typeof (a as Alternative).key === 'string') : [];
}
