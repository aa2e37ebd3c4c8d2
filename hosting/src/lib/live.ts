// Live updates, the pure part: which collections changed between two snapshots of the bakery's write
// counters (tenants/{t}/meta/version, field `collections.<name>`: every commit increments the counters of
// the collections it wrote), and what that means on this device — which kept collections to read again
// (data.ts `invalidate`) and which screens to refresh (live.svelte.ts bumps their versions).
import type { Kept } from './data';

/** Screens that re-read when another device writes what they show. */
export type Screen = 'plan' | 'shopping' | 'inventory' | 'purchases' | 'proposals' | 'home' | 'catalog' | 'events';
export const SCREENS: readonly Screen[] = ['plan', 'shopping', 'inventory', 'purchases', 'proposals', 'home', 'catalog', 'events'];

/** What an event's plan and shopping list are computed from (core.repository.PLANNING_COLLECTIONS and what changes stock). */
const PLANNING = [
  'suppliers', 'ingredients', 'products', 'purchases', 'lots', 'recipes', 'finished_units', 'finished_goods', 'events',
  'production_runs', 'assembly_runs', 'depletions', 'inventory_adjustments', 'recipients', 'materials', 'material_products',
  'material_lots'
];

/** For each collection, the screens showing something read from it (directly or through a function's answer). */
export const SCREENS_BY_COLLECTION: Record<string, readonly Screen[]> = {
  ...Object.fromEntries(PLANNING.map((c) => [c, ['plan', 'shopping', 'home'] as Screen[]])),
  purchases: ['plan', 'shopping', 'home', 'purchases', 'inventory'],
  lots: ['plan', 'shopping', 'home', 'inventory'],
  depletions: ['plan', 'shopping', 'home', 'inventory'],
  inventory_adjustments: ['plan', 'shopping', 'home', 'inventory'],
  products: ['plan', 'shopping', 'home', 'inventory', 'purchases', 'catalog'],
  ingredients: ['plan', 'shopping', 'home', 'inventory', 'catalog'],
  suppliers: ['plan', 'shopping', 'home', 'purchases', 'catalog'],
  recipes: ['plan', 'shopping', 'home', 'catalog'],
  finished_goods: ['plan', 'shopping', 'home', 'catalog'],
  finished_units: ['plan', 'shopping', 'home', 'catalog'],
  events: ['plan', 'shopping', 'home', 'events'],
  // Mixers and ovens: the plan's mixes and oven loads (and the equipment screen, in the catalog's group).
  equipment: ['plan', 'catalog'],
  // The last price per product the shopping list offers when a line is ticked (changed with every purchase).
  purchase_summaries: ['shopping'],
  proposals: ['proposals', 'home'],
  receipts: ['proposals']
};

/**
 * What data.ts keeps in memory, by the counter that drops it (the rest is only read through the functions):
 * the catalog and events read whole, the lots in stock (`lots`: the live query) and the purchase summaries.
 * No history collection is kept whole (issue 14); a purchase also drops the summaries (the same commit
 * moves both counters; this holds if one is missed).
 */
const KEPT: readonly Kept[] = ['events', 'ingredients', 'products', 'lots', 'suppliers', 'recipes', 'finished_goods', 'finished_units', 'purchase_summaries'];
const ALSO: Record<string, readonly Kept[]> = { purchases: ['purchase_summaries'] };

export type Counters = Record<string, number>;

/** The counters in a meta/version document (`{collections: {lots: 12, …}}`); anything else counts as none. */
export function countersOf(data: unknown): Counters {
  const raw = (data as { collections?: unknown } | null | undefined)?.collections;
  const out: Counters = {};
  if (raw && typeof raw === 'object') for (const [name, n] of Object.entries(raw)) if (typeof n === 'number' && Number.isFinite(n)) out[name] = n;
  return out;
}

/**
 * Collections whose counter moved since the last snapshot. The first snapshot (`before` null) changes
 * nothing: the screens have just read what they show. A counter that went down (the bakery was wiped and
 * imported again) counts as a change too.
 */
export function changedCollections(before: Counters | null, after: Counters): string[] {
  if (before === null) return [];
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => (before[n] ?? 0) !== (after[n] ?? 0)).sort();
}

/** What to do on this device: the kept collections to read again, and the screens to refresh. */
export function invalidations(changed: readonly string[]): { collections: Kept[]; screens: Screen[] } {
  const collections = KEPT.filter((c) => changed.includes(c) || changed.some((n) => ALSO[n]?.includes(c)));
  const screens = new Set<Screen>();
  for (const name of changed) for (const s of SCREENS_BY_COLLECTION[name] ?? []) screens.add(s);
  return { collections, screens: SCREENS.filter((s) => screens.has(s)) };
}
