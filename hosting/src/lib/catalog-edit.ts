// Catalog editing: records in the desktop format (what export_desktop answers and the save operations take),
// and the problems of a refused save, filed under the input they name.
import { ApiError } from './api';

export type DesktopRecord = Record<string, unknown>;
export type Kind = 'ingredients' | 'products' | 'recipes' | 'goods';

/** Units a baker types (the functions accept these words and the UN/CEFACT codes). */
export const UNIT_WORDS = ['g', 'kg', 'oz', 'lb', 'ml', 'l', 'tsp', 'tbsp', 'cup', 'fl oz', 'each', 'dozen'];

interface Problem {
  entity?: string;
  index?: number | null;
  field?: string | null;
  message?: string;
}

/** "products[0].package_unit" → message, for every problem of a 400 `invalid_records`; other refusals under
 *  their field (or "" when they name none). */
export function problemsByField(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError)) return out;
  if (e.code === 'invalid_records' && e.details?.length) {
    for (const raw of e.details as Problem[]) {
      if (!raw || typeof raw !== 'object') continue;
      let path = raw.entity ?? '';
      if (raw.index != null) path += `[${raw.index}]`;
      if (raw.field) path += `${path ? '.' : ''}${raw.field}`;
      out[path] = out[path] ? `${out[path]}; ${raw.message ?? ''}` : (raw.message ?? '');
    }
    return out;
  }
  out[e.field ?? ''] = e.message;
  return out;
}

/** Numbers as the baker typed them ("1,5" too); '' stays empty. */
export function num(text: unknown): number | null {
  const s = String(text ?? '').trim().replace(',', '.');
  if (!s) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** A number field for the request: the number, or the text itself so the functions name it as bad. */
export function numOrText(text: unknown): number | string | null {
  const s = String(text ?? '').trim();
  if (!s) return null;
  return num(s) ?? s;
}

/** A new product's id, as the catalog editor gives it (so the app knows it before the save answers). */
export function newProductId(p: { ingredient: string; brand: string; name: string; size: string; unit: string }): string {
  return `${p.ingredient}~${slugify(p.brand)}~${slugify(p.name)}~${slugify(p.size + p.unit)}`;
}

export function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'item';
}

/** The density as the editor shows it: "1 cup = N g|oz" (other stated densities are converted to this form only
 *  when they already are 1 cup). */
export function densityForm(r: DesktopRecord): { grams: string; unit: 'g' | 'oz' } {
  const unit = r.density_weight_unit === 'oz' ? 'oz' : 'g';
  if (r.density_volume_value == null || r.density_weight_value == null) return { grams: '', unit };
  const perCup = Number(r.density_weight_value) / Number(r.density_volume_value || 1);
  return { grams: r.density_volume_unit === 'cup' ? String(Math.round(perCup * 100) / 100) : String(r.density_weight_value), unit };
}

/** The ingredient record to save: the exported one with the edited fields (density cleared when empty). */
export function ingredientRecord(base: DesktopRecord, form: { name: string; category: string; density: string; densityUnit: string }): DesktopRecord {
  const record: DesktopRecord = { ...base, display_name: form.name.trim(), category: form.category.trim() };
  const value = numOrText(form.density);
  if (value === null) {
    for (const k of ['density_volume_value', 'density_volume_unit', 'density_weight_value', 'density_weight_unit']) record[k] = null;
  } else {
    Object.assign(record, { density_volume_value: 1, density_volume_unit: 'cup', density_weight_value: value, density_weight_unit: form.densityUnit });
  }
  return record;
}
