// A small typed key-value store over IndexedDB (one database, one object store per use), and an
// in-memory twin with the same interface for tests and for browsers without IndexedDB.

export interface KV<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T): Promise<void>;
  del(key: string): Promise<void>;
  entries(): Promise<[string, T][]>;
  clear(): Promise<void>;
}

export const DB_NAME = 'baketracker';
/** Object stores: `lastSeen` (answers and collections last read), `outbox` (writes waiting to sync), `photos` (receipt photos on their way). */
export const STORES = ['lastSeen', 'outbox', 'photos'] as const;
/** The database's version grows with its stores, so adding a store upgrades a database made before it. */
export const DB_VERSION = STORES.length;
export type StoreName = (typeof STORES)[number];

const opened = new Map<string, Promise<IDBDatabase>>();

function open(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  let db = opened.get(name);
  if (!db) {
    db = new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, DB_VERSION);
      request.onupgradeneeded = () => {
        for (const store of STORES) if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
      };
      request.onsuccess = () => {
        const result = request.result;
        result.onversionchange = () => {
          result.close();
          opened.delete(name);
        };
        resolve(result);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    });
    db.catch(() => opened.delete(name));
    opened.set(name, db);
  }
  return db;
}

function done<R>(request: IDBRequest<R>): Promise<R> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function idbStore<T>(store: StoreName, factory: IDBFactory = globalThis.indexedDB, dbName = DB_NAME): KV<T> {
  async function run<R>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<R>): Promise<R> {
    const db = await open(factory, dbName);
    const tx = db.transaction(store, mode);
    const result = await done(fn(tx.objectStore(store)));
    if (mode === 'readwrite') {
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
      });
    }
    return result;
  }
  return {
    get: (key) => run('readonly', (s) => s.get(key) as IDBRequest<T | undefined>),
    set: async (key, value) => void (await run('readwrite', (s) => s.put(structuredClone(value), key))),
    del: async (key) => void (await run('readwrite', (s) => s.delete(key))),
    clear: async () => void (await run('readwrite', (s) => s.clear())),
    entries: async () => {
      const db = await open(factory, dbName);
      const s = db.transaction(store, 'readonly').objectStore(store);
      const [keys, values] = await Promise.all([done(s.getAllKeys()), done(s.getAll())]);
      return keys.map((k, i) => [String(k), values[i] as T]);
    }
  };
}

export function memoryStore<T>(): KV<T> {
  const m = new Map<string, T>();
  const copy = (v: T) => structuredClone(v);
  return {
    get: async (key) => (m.has(key) ? copy(m.get(key)!) : undefined),
    set: async (key, value) => void m.set(key, copy(value)),
    del: async (key) => void m.delete(key),
    clear: async () => m.clear(),
    entries: async () => [...m.entries()].map(([k, v]) => [k, copy(v)])
  };
}

/** IndexedDB when the browser has it, otherwise memory (the app still works, it just forgets). */
export function deviceStore<T>(store: StoreName): KV<T> {
  return typeof indexedDB === 'undefined' ? memoryStore<T>() : idbStore<T>(store);
}
