import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { memoryStore } from './kv';
import { createLastSeen, type Seen, type Shown } from './lastseen';
import { appendPage, createPurchasePages, isOffline, keptKey, refreshTop, type Listing } from './purchase-pages';
import type { PurchaseDoc } from './types';

const doc = (id: string, day: string, product = 'flour'): PurchaseDoc => ({
  id, product_id: product, supplier_slug: null, purchased_on: day, quantity_purchased: '1', unit_price: '4.99', notes: ''
});
// A server with 7 purchases, newest first; its cursor is the index of the next one.
const history = Array.from({ length: 7 }, (_, i) => doc(`p${7 - i}`, `2026-01-${String(20 - i).padStart(2, '0')}`, i % 2 ? 'butter' : 'flour'));
function server(asked: object[]) {
  return async (body: { limit: number; cursor?: string; product?: string }): Promise<Listing> => {
    asked.push(body);
    const rows = history.filter((p) => !body.product || p.product_id === body.product);
    const start = body.cursor ? Number(body.cursor) : 0;
    const end = start + body.limit;
    return { purchases: rows.slice(start, end), next_cursor: end < rows.length ? String(end) : null };
  };
}

describe('purchase pages', () => {
  it('shows the first page, then each next one appended, until there is no next cursor', async () => {
    const asked: object[] = [];
    const pages = createPurchasePages(createLastSeen(memoryStore<Seen>()), server(asked), 't1', null, 3);
    let shown: Listing | null = null;
    await pages.first((l) => (shown = l));
    expect(shown!.purchases.map((p) => p.id)).toEqual(['p7', 'p6', 'p5']);
    shown = await pages.more(shown!);
    shown = await pages.more(shown);
    expect(shown.purchases.map((p) => p.id)).toEqual(['p7', 'p6', 'p5', 'p4', 'p3', 'p2', 'p1']);
    expect(shown.next_cursor).toBeNull();
    expect(await pages.more(shown)).toBe(shown); // nothing more to ask
    expect(asked).toEqual([{ limit: 3 }, { limit: 3, cursor: '3' }, { limit: 3, cursor: '6' }]);
  });

  it('a product filter is sent and kept apart from the whole listing', async () => {
    const asked: object[] = [];
    const seen = createLastSeen(memoryStore<Seen>());
    const pages = createPurchasePages(seen, server(asked), 't1', 'butter', 2);
    let shown: Listing | null = null;
    await pages.first((l) => (shown = l));
    expect(shown!.purchases.map((p) => p.product_id)).toEqual(['butter', 'butter']);
    expect(asked).toEqual([{ limit: 2, product: 'butter' }]);
    expect(await seen.read(keptKey('t1', null))).toBeUndefined();
    expect((await seen.read<Listing>(keptKey('t1', 'butter')))?.value.purchases).toHaveLength(2);
  });

  it('offline: everything loaded before is shown from the device, marked as kept; "more" fails as offline', async () => {
    let now = 10;
    const seen = createLastSeen(memoryStore<Seen>(), () => now);
    const online = createPurchasePages(seen, server([]), 't1', null, 3);
    let shown: Listing | null = null;
    await online.first((l) => (shown = l));
    await online.more(shown!);
    now = 99;
    const down = () => Promise.reject(new ApiError(0, 'network', 'Failed to fetch'));
    const offline = createPurchasePages(seen, down, 't1', null, 3);
    const shows: [Listing, Shown][] = [];
    const meta = await offline.first((l, m) => shows.push([l, m]));
    expect(meta.cached).toBe(true);
    expect(meta.at).toBe(10);
    expect(shows.at(-1)![0].purchases.map((p) => p.id)).toEqual(['p7', 'p6', 'p5', 'p4', 'p3', 'p2']);
    const error = await offline.more(shows.at(-1)![0]).catch((e) => e);
    expect(isOffline(error)).toBe(true);
    expect(isOffline(new ApiError(400, 'invalid', 'bad cursor', 'cursor'))).toBe(false);
  });

  it('a purchase already shown is not shown twice', () => {
    const a = { purchases: [doc('p3', '2026-01-03'), doc('p2', '2026-01-02')], next_cursor: 'x' };
    const b = { purchases: [doc('p2', '2026-01-02'), doc('p1', '2026-01-01')], next_cursor: null };
    expect(appendPage(a, b)).toEqual({ purchases: [a.purchases[0], a.purchases[1], b.purchases[1]], next_cursor: null });
  });

  it('the first page read again keeps the older pages shown (and their cursor); a fresh page that is all there is wins', async () => {
    const asked: object[] = [];
    const seen = createLastSeen(memoryStore<Seen>());
    const pages = createPurchasePages(seen, server(asked), 't1', null, 3);
    let shown: Listing | null = null;
    await pages.first((l) => (shown = l));
    shown = await pages.more(shown!);
    history.unshift(doc('p8', '2026-01-21')); // bought meanwhile (another device)
    try {
      await pages.first((l) => (shown = l), () => shown);
      expect(shown!.purchases.map((p) => p.id)).toEqual(['p8', 'p7', 'p6', 'p5', 'p4', 'p3', 'p2']);
      expect(shown!.next_cursor).toBe('6'); // the cursor after p2, as it was
      expect((await seen.read<Listing>(keptKey('t1', null)))?.value).toEqual(shown);
    } finally {
      history.shift();
    }
    const all = { purchases: [doc('p2', '2026-01-02'), doc('p1', '2026-01-01')], next_cursor: null };
    expect(refreshTop({ purchases: [doc('p1', '2026-01-01'), doc('p0', '2025-12-31')], next_cursor: 'z' }, all)).toBe(all);
    const top = { purchases: [doc('b', '2026-01-02')], next_cursor: 'c1' };
    const same = { purchases: [doc('c', '2026-01-02'), doc('b', '2026-01-02'), doc('a', '2026-01-02')], next_cursor: 'c3' };
    expect(refreshTop(same, top)).toEqual({ purchases: [top.purchases[0], same.purchases[2]], next_cursor: 'c3' });
    expect(refreshTop(null, top)).toBe(top);
  });
});
