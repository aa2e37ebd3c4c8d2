// Reads of the bakery's documents (tenants/{t}/<collection>) straight from Firestore, as the rules allow
// members. This round uses firebase/firestore/lite, loaded on first use so the first screen stays small;
// the offline work swaps in the full SDK with persistentLocalCache behind this same interface.
import type { Collections } from './types';
import { firebase, firestoreEmulator } from './firebase';

type Lite = typeof import('firebase/firestore/lite');
let lite: Promise<{ sdk: Lite; db: import('firebase/firestore/lite').Firestore }> | null = null;

function firestore() {
  lite ??= Promise.all([import('firebase/firestore/lite'), firebase()]).then(([sdk, { app, init }]) => {
    const db = sdk.getFirestore(app);
    const emulator = firestoreEmulator(init);
    if (emulator) sdk.connectFirestoreEmulator(db, emulator.host, emulator.port);
    return { sdk, db };
  });
  return lite;
}

const cache = new Map<string, Promise<unknown[]>>();

/** Every document of one collection of the bakery (cached until a write invalidates it). */
export function readCollection<K extends keyof Collections>(tenantId: string, name: K): Promise<Collections[K][]> {
  const key = `${tenantId}/${name}`;
  let hit = cache.get(key) as Promise<Collections[K][]> | undefined;
  if (!hit) {
    hit = firestore().then(async ({ sdk, db }) => {
      const snap = await sdk.getDocs(sdk.collection(db, 'tenants', tenantId, name));
      return snap.docs.map((d) => d.data() as Collections[K]);
    });
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

export function forgetAll(): void {
  cache.clear();
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
