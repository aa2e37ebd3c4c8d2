// Baking and assembling from the plan (app.md flow 6): progress per recipe, a refused run's shortages
// and a run's "not deducted" lines in the baker's words. Pure functions: the locale is an argument.
import { translate, type Locale, type MessageKey } from './i18n';
import { formatNumber, formatQuantity } from './i18n/format';
import type { PlanRecipe, UnitCode } from './types';

/** What was left in stock because its lots cannot be converted (docs/functions.md). */
export interface NotDeductedLine {
  ingredient?: string;
  material?: string;
  quantity: number;
  unit: UnitCode;
  reason: string;
  fix: string;
  lots?: string[];
}
export type LossCategory = 'burnt' | 'broken' | 'contaminated' | 'dropped' | 'wrong_ingredients' | 'other';
export const LOSS_CATEGORIES: LossCategory[] = ['burnt', 'broken', 'contaminated', 'dropped', 'wrong_ingredients', 'other'];

export interface ProductionRequest {
  recipe: string;
  batches: number;
  finished_unit?: string;
  actual_yield?: number;
  losses?: { category: LossCategory; quantity: number; notes?: string }[];
  event?: string;
  notes?: string;
}
export interface ProductionRun {
  run_id: string;
  recipe: string;
  finished_unit: string;
  batches: number;
  produced_at: string;
  event: string | null;
  expected_yield: number;
  actual_yield: number;
  ingredient_cost: number | null;
  cost_complete: boolean;
  cost_per_unit: number | null;
  not_deducted: NotDeductedLine[];
}
export interface AssemblyRequest {
  finished_good: string;
  quantity: number;
  event?: string;
  notes?: string;
}
export interface AssemblyRun {
  run_id: string;
  finished_good: string;
  quantity: number;
  assembled_at: string;
  event: string | null;
  packaging_cost: number | null;
  cost_complete: boolean;
  not_deducted: NotDeductedLine[];
}

// The two operations, added to the app's list of operations here (types.ts is shared with other work).
declare module './types' {
  interface Operations {
    record_production: { req: ProductionRequest; res: ProductionRun };
    record_assembly: { req: AssemblyRequest; res: AssemblyRun };
  }
}

export type NameOf = (slug: string) => string;
/** Until the catalog's names are known: "eggs_whole" reads as "eggs whole". */
export const slugWords: NameOf = (slug) => slug.replaceAll('_', ' ');

// -- progress -----------------------------------------------------------------------------------
export interface Progress {
  planned: number;
  completed: number;
  remaining: number;
  overage: number;
  state: 'todo' | 'started' | 'done' | 'over';
}

/** What the plan says of one recipe (plan_event answers `batches`, `completed`, `remaining`). */
export function progressOf(r: Pick<PlanRecipe, 'batches' | 'completed' | 'remaining'>): Progress {
  const planned = Number(r.batches) || 0;
  const completed = Number(r.completed ?? 0) || 0;
  const remaining = r.remaining != null ? Number(r.remaining) : Math.max(0, planned - completed);
  const overage = Math.max(0, completed - planned);
  const state = overage > 0 ? 'over' : completed > 0 && remaining <= 0 ? 'done' : completed > 0 ? 'started' : 'todo';
  return { planned, completed, remaining, overage, state };
}

/** "1 of 4 batches baked · 3 to go" / "4 of 4 batches baked · done" / "… · 1 more than planned". */
export function progressText(p: Progress, locale: Locale): string {
  const head = translate(locale, 'bake.progress', { done: formatNumber(p.completed, locale), count: p.planned });
  const tail =
    p.state === 'over'
      ? translate(locale, 'bake.over', { count: p.overage })
      : p.state === 'done'
        ? translate(locale, 'bake.done')
        : translate(locale, 'bake.toGo', { count: p.remaining });
  return `${head} · ${tail}`;
}

/** The bar's share (0–100), for a <progress> element (never colour alone: the text says it too). */
export function progressPercent(p: Progress): number {
  if (p.planned <= 0) return p.completed > 0 ? 100 : 0;
  return Math.min(100, Math.round((p.completed / p.planned) * 100));
}

// -- a refused run (409 insufficient_stock) -------------------------------------------------------
export interface Shortage {
  /** The ingredient (record_production) or the item (record_assembly: finished units, goods, packaging). */
  name: string;
  needed: number;
  onHand: number;
  short: number;
  unit: string;
}

/** The `details` of a 409 `insufficient_stock`, checked: lines that are not shortages are left out. */
export function shortagesFrom(details: unknown[] | undefined): Shortage[] {
  const out: Shortage[] = [];
  for (const d of details ?? []) {
    if (!d || typeof d !== 'object') continue;
    const r = d as Record<string, unknown>;
    const name = typeof r.ingredient === 'string' ? r.ingredient : typeof r.item === 'string' ? r.item : null;
    const short = Number(r.short);
    if (!name || !(short > 0)) continue;
    out.push({ name, needed: Number(r.needed) || 0, onHand: Number(r.on_hand) || 0, short, unit: typeof r.unit === 'string' ? r.unit : 'H87' });
  }
  return out;
}

/** "Eggs: need 2 pieces, have 0 pieces — 2 pieces short" in the bakery's language, never a unit code. */
export function shortageLine(s: Shortage, locale: Locale, nameOf: NameOf = slugWords): string {
  return translate(locale, 'bake.shortLine', {
    name: nameOf(s.name),
    needed: formatQuantity(s.needed, s.unit, locale),
    have: formatQuantity(s.onHand, s.unit, locale),
    short: formatQuantity(s.short, s.unit, locale)
  });
}

/** The headline of a refused run: "Not recorded: 1 batch of Fudge needs more than is in stock." */
export function refusedHeadline(what: string, locale: Locale, count: number, kind: 'bake' | 'assemble'): string {
  return translate(locale, kind === 'bake' ? 'bake.refused' : 'bake.refusedAssembly', { what, count });
}

// -- what could not be deducted ----------------------------------------------------------------
const REASONS: Record<string, MessageKey> = {
  'no density': 'bake.reason.density',
  'no weight per piece': 'bake.reason.weight',
  'a container or a length has no fixed weight': 'bake.reason.container'
};
const FIXES: Record<string, MessageKey> = {
  'no density': 'bake.fix.density',
  'no weight per piece': 'bake.fix.weight',
  'a container or a length has no fixed weight': 'bake.fix.container'
};

/** The short reasons in a `not_deducted` reason ("salt: lot … which cannot be converted to tsp (G25): no density"). */
export function reasonsOf(reason: string): string[] {
  const tails = reason
    .split('; ')
    .map((part) => part.slice(part.lastIndexOf(': ') + 2).trim())
    .filter(Boolean);
  return [...new Set(tails)];
}

/**
 * "salt — 2 tsp not deducted from stock: no density. Fix: set the density of salt (1 cup = … g) in the catalog."
 * Known reasons are said in the bakery's language; others as the functions wrote them.
 */
export function notDeductedLine(n: NotDeductedLine, locale: Locale, nameOf: NameOf = slugWords): string {
  const name = nameOf(n.ingredient ?? n.material ?? '');
  const reasons = reasonsOf(n.reason ?? '');
  const known = reasons.length > 0 && reasons.every((r) => r in REASONS);
  const reason = known ? reasons.map((r) => translate(locale, REASONS[r])).join('; ') : reasons.join('; ') || (n.reason ?? '');
  const fix = known ? reasons.map((r) => translate(locale, FIXES[r], { name })).join('; ') : n.fix ?? '';
  return translate(locale, 'bake.notDeducted', {
    name,
    quantity: formatQuantity(Number(n.quantity) || 0, n.unit ?? 'H87', locale),
    reason,
    fix
  });
}
