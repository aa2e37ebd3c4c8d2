// A bakery's history (purchases, lots, what was baked and lost) grows every day: five years are ~40,000
// purchases and ~40,000 lots, tens of MB. No screen reads it whole (issue 14). What the screens need of it
// comes bounded: the newest purchases a page at a time (list_purchases), the lots still in stock (the
// `live == true` query, data.ts `readLiveLots`), and the last price paid per product from the bakery's
// purchase summaries (one document per product, tenants/{t}/purchase_summaries, kept exact by the server
// in the same commit as the purchases: core/stock/purchase_summary.py). The pure part lives here.
import type { LotDoc } from './types';

/** Collections that grow with the bakery's history: never read whole (data.ts `readCollection` refuses them). */
export const HISTORY = ['purchases', 'lots', 'depletions', 'production_runs', 'assembly_runs', 'inventory_adjustments', 'material_lots'] as const;
export type History = (typeof HISTORY)[number];

/** The lots shown in stock: those with some quantity left (a `live` query answer, or every lot of a bakery not yet marked). */
export function inStock(lots: readonly LotDoc[]): LotDoc[] {
  return lots.filter((lot) => Number(lot.quantity) > 0);
}

/** Whether the server has given every lot document its `live` field (tenants/{t}/meta/version `live_lots: true`). */
export function liveMarked(version: unknown): boolean {
  return (version as { live_lots?: unknown } | null | undefined)?.live_lots === true;
}

/**
 * The lots in stock, read the bounded way: the `live == true` query, trusted once the server has marked every
 * lot (`version`: meta/version, read alongside); for a bakery not marked yet, every lot once (`all`: its first
 * planning read gives the older lots `live`), so no stock is ever missed.
 */
export async function liveLots(reads: { live: () => Promise<LotDoc[]>; version: () => Promise<unknown>; all: () => Promise<LotDoc[]> }): Promise<LotDoc[]> {
  const [live, version] = await Promise.all([reads.live(), reads.version()]);
  return inStock(liveMarked(version) ? live : await reads.all());
}

/**
 * A stored purchase summary, as `core.document_codec.encode` writes it (adapters/purchase_summaries.py):
 * `{product_id, times, first_on: 'YYYY-MM-DD', last: {id, product_id, supplier_slug, purchased_on,
 * quantity_purchased: '2', unit_price: '3.49', …}, by_supplier: [...], tenant_id}`. Decimals are strings,
 * dates ISO strings. A product whose purchases all went keeps `{product_id, times: 0, tenant_id}`.
 */
export interface SummaryDoc {
  product_id?: unknown;
  times?: unknown;
  last?: { id?: unknown; purchased_on?: unknown; unit_price?: unknown; supplier_slug?: unknown } | null;
  tenant_id?: unknown;
}

export interface LastPurchase {
  price: number; // per package, as paid
  on: string; // ISO day
}

/** The newest purchase of one product from its summary; null for a summary with no purchases or one that does not decode. */
export function lastPurchase(doc: SummaryDoc, tenant?: string): LastPurchase | null {
  if (!doc || typeof doc !== 'object') return null;
  if (tenant !== undefined && doc.tenant_id !== undefined && doc.tenant_id !== tenant) return null;
  if (typeof doc.times !== 'number' || !(doc.times > 0)) return null; // `times: 0`: read as absent, as the server does
  const last = doc.last;
  if (!last || typeof last !== 'object') return null;
  const raw = last.unit_price;
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const text = String(raw).trim();
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null; // a Decimal's text; NaN, Infinity, '' refused
  const price = Number(text);
  if (!Number.isFinite(price) || price < 0) return null;
  const on = typeof last.purchased_on === 'string' ? last.purchased_on : '';
  return { price, on };
}

/** The last price paid per product id (the newest purchase: latest day, then highest id, as the server keeps it). */
export function lastPrices(docs: readonly SummaryDoc[], tenant?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const doc of docs) {
    const id = doc?.product_id;
    if (typeof id !== 'string' || !id) continue;
    const last = lastPurchase(doc, tenant);
    if (last) out.set(id, last.price);
  }
  return out;
}
