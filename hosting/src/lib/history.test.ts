import { describe, expect, it } from 'vitest';
import { inStock, lastPrices, lastPurchase, liveLots, liveMarked, type SummaryDoc } from './history';
import type { LotDoc } from './types';

// A summary as the server stores it: core.document_codec.encode(summarize_product('flour', …)) of three
// purchases (p-1 4.50 on 1 March at the mill, p-2 3.49 on 9 March at Costco, p-3 Decimal('1.1E+1') on 9 March
// at the mill), printed by Python, plus the tenant_id adapters/purchase_summaries.py adds.
const FLOUR: SummaryDoc = JSON.parse(`{"product_id": "flour", "times": 3, "first_on": "2026-03-01", "last": {"id": "p-3",
  "product_id": "flour", "supplier_slug": "mill", "purchased_on": "2026-03-09", "quantity_purchased": "1", "unit_price": "11",
  "notes": "", "extra": {}}, "by_supplier": [{"id": "p-3", "product_id": "flour", "supplier_slug": "mill", "purchased_on":
  "2026-03-09", "quantity_purchased": "1", "unit_price": "11", "notes": "", "extra": {}}, {"id": "p-2", "product_id": "flour",
  "supplier_slug": "costco", "purchased_on": "2026-03-09", "quantity_purchased": "1", "unit_price": "3.49", "notes": "",
  "extra": {}}], "tenant_id": "t1"}`);

const summary = (product_id: string, unit_price: unknown, extra: Partial<SummaryDoc> = {}): SummaryDoc => ({
  product_id, times: 1, last: { id: `${product_id}-1`, purchased_on: '2026-01-02', unit_price }, tenant_id: 't1', ...extra
});

describe('the last price per product, from the stored purchase summaries', () => {
  it('reads the newest purchase of an encoded summary (its price per package, as a Decimal string)', () => {
    expect(lastPurchase(FLOUR)).toEqual({ price: 11, on: '2026-03-09' });
    expect(lastPrices([FLOUR], 't1')).toEqual(new Map([['flour', 11]]));
  });
  it('decodes every text a Python Decimal may take, and refuses what is not a price', () => {
    const docs = [
      summary('a', '3.49'), summary('b', '1E+1'), summary('c', '0.50'), summary('d', '2'), summary('e', 4.25),
      summary('nan', 'NaN'), summary('inf', 'Infinity'), summary('empty', ''), summary('neg', '-1'), summary('obj', { x: 1 }),
      summary('none', null)
    ];
    expect(lastPrices(docs)).toEqual(new Map([['a', 3.49], ['b', 10], ['c', 0.5], ['d', 2], ['e', 4.25]]));
  });
  it('a product whose purchases all went (`times: 0`, no `last`) has no last price, as the server reads it', () => {
    expect(lastPrices([{ product_id: 'gone', times: 0, tenant_id: 't1' }, summary('kept', '2.5', { times: 0 })])).toEqual(new Map());
  });
  it('skips documents that do not decode (no product id, no last, another bakery)', () => {
    const docs: SummaryDoc[] = [
      { times: 2, last: { unit_price: '1' } }, summary('', '1'), { product_id: 'x', times: 1 }, { product_id: 'y', times: 1, last: null },
      summary('other', '9.99', { tenant_id: 't2' }), summary('mine', '1.25')
    ];
    expect(lastPrices(docs, 't1')).toEqual(new Map([['mine', 1.25]]));
  });
});

describe('the lots in stock', () => {
  const lot = (id: string, quantity: string): LotDoc => ({
    id, product_id: 'p', ingredient_slug: 'flour', quantity, unit: 'LBR', unit_cost: '1', purchased_on: '2026-01-01', initial_quantity: '5', location: ''
  });
  it('keeps a lot with some quantity left, leaves out the used-up ones (a bakery read whole before its lots were marked)', () => {
    expect(inStock([lot('a', '0'), lot('b', '0.25'), lot('c', '0.000'), lot('d', '5')]).map((l) => l.id)).toEqual(['b', 'd']);
  });
  it('trusts the `live` query only once the server has marked every lot (meta/version live_lots: true)', () => {
    expect(liveMarked({ live_lots: true, collections: { lots: 3 } })).toBe(true);
    expect(liveMarked({ collections: { lots: 3 } })).toBe(false);
    expect(liveMarked({ live_lots: 'true' })).toBe(false);
    expect(liveMarked(undefined)).toBe(false);
  });
  it('a marked bakery: the live query only, never every lot', async () => {
    const asked: string[] = [];
    const got = await liveLots({
      live: async () => (asked.push('live'), [lot('b', '1'), lot('z', '0')]), // a lot used up meanwhile: not shown
      version: async () => (asked.push('version'), { live_lots: true }),
      all: async () => (asked.push('all'), [lot('a', '0'), lot('b', '1'), lot('c', '2')])
    });
    expect(got.map((l) => l.id)).toEqual(['b']);
    expect(asked.sort()).toEqual(['live', 'version']);
  });
  it('a bakery not marked yet (older lots without `live`): every lot once, the ones in stock shown', async () => {
    const got = await liveLots({
      live: async () => [lot('b', '1')], // the older lot c has no `live` yet: the query misses it
      version: async () => ({ collections: { lots: 9 } }),
      all: async () => [lot('a', '0'), lot('b', '1'), lot('c', '2')]
    });
    expect(got.map((l) => l.id)).toEqual(['b', 'c']);
    await expect(liveLots({ live: async () => [], version: async () => undefined, all: async () => [lot('d', '3')] })).resolves.toHaveLength(1);
  });
  it('a failed read fails the whole (the kept copy is shown instead, data.ts)', async () => {
    await expect(liveLots({ live: async () => [], version: async () => Promise.reject(new TypeError('offline')), all: async () => [] })).rejects.toThrow('offline');
  });
});
