// Reads of the bakery's documents (tenants/{t}/<collection>) straight from Firestore, as the rules allow
// members, with firebase/firestore/lite (≈ 38 kB gzipped) loaded on first use so the first screen stays
// small. Every collection read is also kept on the device (IndexedDB, src/lib/lastseen.ts): when the
// network is slow or gone, the kept copy is shown ("as of"), and the network's answer replaces it when
// it comes. The full Firestore SDK with persistentLocalCache (≈ 130 kB more) is not used: the answers
// the baker needs offline (plan_event, shopping_list) come from the functions, not from Firestore.
import type { Collections } from './types';
import { firebase, firestoreEmulator } from './firebase';
import { connectivity } from './connectivity.svelte';
import { freshness } from './freshness.svelte';
import { deviceStore } from './kv';
import { createLastSeen, type Seen } from './lastseen';

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
export const lastSeen = createLastSeen(deviceStore<Seen>('lastSeen'));

/** How long a read waits for the network before the kept copy is shown (the network may still win later). */
const PATIENCE_MS = 800;

const cache = new Map<string, Promise<unknown[]>>();

/** Firestore lite's "unavailable", a fetch TypeError: no answer. */
function isNetworkError(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === 'unavailable' || code === 'deadline-exceeded' || e instanceof TypeError || !navigator.onLine;
}

async function fetchCollection<K extends keyof Collections>(tenantId: string, name: K): Promise<Collections[K][]> {
  const { sdk, db } = await firestore();
  const snap = await sdk.getDocs(sdk.collection(db, 'tenants', tenantId, name));
  return snap.docs.map((d) => d.data() as Collections[K]);
}

/**
 * Every document of one collection of the bakery (kept in memory until a write invalidates it). Reads
 * `freshness.version`, so an $effect calling it runs again when a later network answer arrives.
 */
export function readCollection<K extends keyof Collections>(tenantId: string, name: K): Promise<Collections[K][]> {
  void freshness.version;
  const key = `${tenantId}/${name}`;
  let hit = cache.get(key) as Promise<Collections[K][]> | undefined;
  if (!hit) {
    const seenKey = `collection:${key}`;
    const network = fetchCollection(tenantId, name);
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
      type Quick = { ok: true; value: Collections[K][] } | { ok: false; error: unknown } | null;
      const quick: Quick = await Promise.race([
        network.then((value) => ({ ok: true as const, value }), (error) => ({ ok: false as const, error })),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), PATIENCE_MS))
      ]);
      if (quick?.ok) return quick.value;
      const kept = await lastSeen.read<Collections[K][]>(seenKey);
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

export async function readDocument<K extends keyof Collections>(tenantId: string, name: K, id: string): Promise<Collections[K] | null> {
  const all = await readCollection(tenantId, name);
  return (all as unknown as Record<string, string>[]).find((d) => d.slug === id || d.id === id) as Collections[K] | undefined ?? null;
}

/** After a write: the collections it changed are read again next time. */
export function invalidate(...names: (keyof Collections)[]): void {
  for (const key of [...cache.keys()]) if (names.some((n) => key.endsWith(`/${n}`))) cache.delete(key);
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
