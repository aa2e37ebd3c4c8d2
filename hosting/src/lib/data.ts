// Reads of the bakery's documents (tenants/{t}/<collection>) straight from Firestore, as the rules allow
// members, with firebase/firestore/lite (≈ 38 kB gzipped) loaded on first use so the first screen stays
// small. Every read is also kept on the device (IndexedDB, src/lib/lastseen.ts): when the network is slow
// or gone, the kept copy is shown ("as of"), and the network's answer replaces it when it comes. The full
// Firestore SDK with persistentLocalCache (≈ 130 kB more) is not used: the answers the baker needs offline
// (plan_event, shopping_list) come from the functions, not from Firestore.
//
// Whole collections are read only where they stay small (the catalog, the events): `readCollection` does
// not take a history collection (src/lib/history.ts `HISTORY`, issue 14). The history comes bounded:
// `readLiveLots` (the lots in stock, one query), `readPurchaseSummaries` (one document per product), and
// list_purchases (a page of purchases, through the API).
import type { Collections, LotDoc } from './types';
import { firebase, firestoreEmulator } from './firebase';
import { connectivity } from './connectivity.svelte';
import { freshness } from './freshness.svelte';
import { deviceStore } from './kv';
import { createLastSeen, type Seen } from './lastseen';
import { liveLots, type History, type SummaryDoc } from './history';

/** The collections read whole: the catalog and the events (their size is the baker's choice, not their age). */
export type Whole = Exclude<keyof Collections, History>;
/** What data.ts keeps in memory, by the collection whose write counter (meta/version) drops it. */
export type Kept = Whole | 'lots' | 'purchase_summaries';

type Lite = typeof import('firebase/firestore/lite');
let lite: Promise<{ sdk: Lite; db: import('firebase/firestore/lite').Firestore }> | null = null;

function firestore() {
  lite ??= Promise.all([import('firebase/firestore/lite'), firebase()]).then(([sdk, { app, init }]) => {
    const db = sdk.getFirestore(app);
    const emulator = firestoreEmulator(init);
    if (emulator) sdk.connectFirestoreEmulator(db, emulator.host, emulator.port);
    return { sdk, db };
  });
  lite.catch(() => (lite = null));
  return lite;
}

/** The device's copy of what was last seen (collections, plans, shopping lists). */
const seenStore = deviceStore<Seen>('lastSeen');
export const lastSeen = createLastSeen(seenStore);

/** Whole history collections kept on the device by earlier versions of the app (tens of MB on an old bakery): dropped. */
const dropped = new Set<string>();
function dropWholeHistory(tenantId: string): void {
  if (dropped.has(tenantId)) return;
  dropped.add(tenantId);
  for (const name of ['lots', 'purchases']) void seenStore.del(`collection:${tenantId}/${name}`).catch(() => {});
}

/** How long a read waits for the network before the kept copy is shown (the network may still win later). */
const PATIENCE_MS = 800;

const cache = new Map<string, Promise<unknown[]>>(); // `${tenant}/${collection}` (or `…/lots?live`) → its read

/** Firestore lite's "unavailable", a fetch TypeError: no answer. */
function isNetworkError(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === 'unavailable' || code === 'deadline-exceeded' || e instanceof TypeError || !navigator.onLine;
}

async function fetchCollection<K extends Whole | 'purchase_summaries'>(tenantId: string, name: K): Promise<unknown[]> {
  const { sdk, db } = await firestore();
  const snap = await sdk.getDocs(sdk.collection(db, 'tenants', tenantId, name));
  return snap.docs.map((d) => d.data());
}

/**
 * The lots in stock: `live == true` (every lot document carries `live`, written with the lot by the server;
 * docs/scale.md "Live stock"). A bakery whose older lots have not been given `live` yet (no `live_lots: true`
 * on meta/version: its first planning read does it) is read whole once more, so no stock is ever missed.
 */
async function fetchLiveLots(tenantId: string): Promise<LotDoc[]> {
  const { sdk, db } = await firestore();
  const lots = sdk.collection(db, 'tenants', tenantId, 'lots');
  const docs = (snap: { docs: { data(): unknown }[] }) => snap.docs.map((d) => d.data() as LotDoc);
  return liveLots({
    live: async () => docs(await sdk.getDocs(sdk.query(lots, sdk.where('live', '==', true)))),
    version: async () => (await sdk.getDoc(sdk.doc(db, 'tenants', tenantId, 'meta', 'version'))).data(),
    all: async () => docs(await sdk.getDocs(lots))
  });
}

/**
 * One read of the bakery (kept in memory until a write invalidates it, and on the device for offline). Reads
 * `freshness.version`, so an $effect calling it runs again when a later network answer arrives.
 */
function keptRead<T>(key: string, fetch: () => Promise<T[]>): Promise<T[]> {
  void freshness.version;
  let hit = cache.get(key) as Promise<T[]> | undefined;
  if (!hit) {
    const seenKey = `collection:${key}`;
    const network = fetch();
    network.then(
      (value) => {
        void lastSeen.remember(seenKey, value);
        freshness.fresh(key);
        connectivity.reached();
      },
      (e) => {
        if (isNetworkError(e)) connectivity.failed();
      }
    );
    hit = (async () => {
      type Quick = { ok: true; value: T[] } | { ok: false; error: unknown } | null;
      const quick: Quick = await Promise.race([
        network.then((value) => ({ ok: true as const, value }), (error) => ({ ok: false as const, error })),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), PATIENCE_MS))
      ]);
      if (quick?.ok) return quick.value;
      const kept = await lastSeen.read<T[]>(seenKey);
      if (!kept) {
        if (quick) throw quick.error;
        return network;
      }
      freshness.kept(key, kept.at);
      if (quick) {
        cache.delete(key); // failed: the next read (or the network coming back) tries again
      } else {
        // Slow network: the kept copy now, the answer when it comes.
        network.then(
          (value) => {
            cache.set(key, Promise.resolve(value));
            freshness.bump();
          },
          () => cache.delete(key)
        );
      }
      return kept.value;
    })();
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

/** Every document of one collection of the bakery: only those that stay small (never a history collection). */
export function readCollection<K extends Whole>(tenantId: string, name: K): Promise<Collections[K][]> {
  return keptRead(`${tenantId}/${name}`, () => fetchCollection(tenantId, name) as Promise<Collections[K][]>);
}

/** The bakery's lots in stock (quantity left), not the used-up ones. */
export function readLiveLots(tenantId: string): Promise<LotDoc[]> {
  dropWholeHistory(tenantId);
  return keptRead(`${tenantId}/lots?live`, () => fetchLiveLots(tenantId));
}

/** The bakery's purchase summaries, one per product bought (src/lib/history.ts `lastPrices` decodes them). */
export function readPurchaseSummaries(tenantId: string): Promise<SummaryDoc[]> {
  dropWholeHistory(tenantId);
  return keptRead(`${tenantId}/purchase_summaries`, () => fetchCollection(tenantId, 'purchase_summaries') as Promise<SummaryDoc[]>);
}

export async function readDocument<K extends Whole>(tenantId: string, name: K, id: string): Promise<Collections[K] | null> {
  const all = await readCollection(tenantId, name);
  return (all as unknown as Record<string, string>[]).find((d) => d.slug === id || d.id === id) as Collections[K] | undefined ?? null;
}

/** The collection a cache key reads (`t/lots?live` → lots). */
const collectionOf = (key: string) => key.slice(key.indexOf('/') + 1).split('?')[0];

/** After a write: what it changed is read again next time. */
export function invalidate(...names: Kept[]): void {
  for (const key of [...cache.keys()]) if ((names as string[]).includes(collectionOf(key))) cache.delete(key);
}

/** The network came back: read everything again (screens re-run through freshness.version). */
export function refreshAll(): void {
  cache.clear();
  freshness.bump();
}

/** Signed out: nothing of this bakery stays in memory or on the device. */
export function forgetAll(): void {
  cache.clear();
  freshness.reset();
  void lastSeen.forget();
}

/** Name lookups the screens need (slug → display name). */
export async function nameIndex(tenantId: string) {
  const [ingredients, products, suppliers, goods] = await Promise.all([
    readCollection(tenantId, 'ingredients'),
    readCollection(tenantId, 'products'),
    readCollection(tenantId, 'suppliers'),
    readCollection(tenantId, 'finished_goods')
  ]);
  return {
    ingredient: new Map(ingredients.map((i) => [i.slug, i.display_name])),
    product: new Map(products.map((p) => [p.id, p])),
    supplier: new Map(suppliers.map((s) => [s.slug, s.name])),
    good: new Map(goods.map((g) => [g.slug, g.display_name]))
  };
}
