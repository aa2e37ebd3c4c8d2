// The purchases screen's history, a page at a time (list_purchases: newest first, `next_cursor` for the next
// page), so a bakery with five years of purchases loads 50 of them, not 40,000. What the screen has loaded
// (every page so far, and the cursor after them) is kept on the device (lastSeen): offline, the screen shows
// it as it was; "Show more" needs the network.
import type { ApiError } from './api';
import type { LastSeen, Shown } from './lastseen';
import type { PurchaseDoc } from './types';

export const PAGE_SIZE = 50;

export interface Listing {
  purchases: PurchaseDoc[];
  next_cursor: string | null;
}

export type FetchPage = (body: { limit: number; cursor?: string; product?: string }) => Promise<Listing>;

/** The device's copy of one listing: the bakery's purchases, or one product's. */
export const keptKey = (tenant: string, product: string | null) => `list_purchases:${tenant}:${product ?? ''}`;

/** The next page after what is shown: appended in order; a purchase already shown is not shown twice. */
export function appendPage(shown: Listing, page: Listing): Listing {
  const ids = new Set(shown.purchases.map((p) => p.id));
  return { purchases: [...shown.purchases, ...page.purchases.filter((p) => !ids.has(p.id))], next_cursor: page.next_cursor };
}

/** Whether `p` comes after `q` newest first (an older day, or the same day and a lower id), as the server orders. */
const isAfter = (p: PurchaseDoc, q: PurchaseDoc) => p.purchased_on < q.purchased_on || (p.purchased_on === q.purchased_on && p.id < q.id);

/**
 * The first page read again (after a write, on another device's write) while more pages are shown: the fresh page
 * on top, then the older purchases already shown after it, and the cursor after those; the baker keeps the place
 * instead of falling back to one page. (Purchases are never changed, only added or removed; one removed among the
 * older ones stays until the screen is opened again.)
 */
export function refreshTop(shown: Listing | null, fresh: Listing): Listing {
  const last = fresh.purchases.at(-1);
  if (!shown || !last || fresh.next_cursor === null) return fresh;
  const older = shown.purchases.filter((p) => isAfter(p, last));
  if (!older.length) return fresh;
  return appendPage(fresh, { purchases: older, next_cursor: shown.next_cursor });
}

/** Whether a failure is the network's (offline, no answer), not a refusal. */
export const isOffline = (e: unknown) => (e as ApiError | undefined)?.status === 0 || e instanceof TypeError;

/**
 * One listing on the screen. `first` shows the device's copy at once if there is one, then the network's first
 * page (which replaces it, or tops up `onScreen()`: what the network gave this visit, see refreshTop); `more`
 * appends the next page. What is shown is kept on the device for the next time (offline).
 */
export function createPurchasePages(seen: LastSeen, fetchPage: FetchPage, tenant: string, product: string | null, limit = PAGE_SIZE) {
  const key = keptKey(tenant, product);
  const body = (cursor?: string) => ({ limit, ...(cursor ? { cursor } : {}), ...(product ? { product } : {}) });
  return {
    first(show: (listing: Listing, meta: Shown) => void, onScreen: () => Listing | null = () => null): Promise<Shown> {
      return seen.load(key, async () => {
        const fresh = await fetchPage(body());
        return refreshTop(onScreen(), fresh); // what is on screen when the answer comes (never read synchronously)
      }, show);
    },
    async more(shown: Listing): Promise<Listing> {
      if (!shown.next_cursor) return shown;
      const merged = appendPage(shown, await fetchPage(body(shown.next_cursor)));
      await seen.remember(key, merged);
      return merged;
    }
  };
}
