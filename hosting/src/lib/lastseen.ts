// The data the baker last saw, kept on the device: answers of plan_event and shopping_list per event and
// the bakery's collections. A screen shows the kept copy at once ("as of <time>") and the network's
// answer when it comes; with no network the kept copy stays, marked offline.
import type { KV } from './kv';

export interface Seen<T = unknown> {
  value: T;
  /** When this value came from the network (ms since the epoch). */
  at: number;
}

export interface Shown {
  /** When the value shown came from the network. */
  at: number;
  /** true: the kept copy (the network has not answered, or failed). */
  cached: boolean;
  /** The network's failure, when the kept copy is all there is. */
  error?: unknown;
}

export interface LastSeen {
  read<T>(key: string): Promise<Seen<T> | undefined>;
  remember<T>(key: string, value: T): Promise<Seen<T>>;
  forget(): Promise<void>;
  /**
   * Shows the kept copy of `key` if it is read before the network answers, then the network's answer
   * (and keeps it). If the network fails, the kept copy is shown with the error; with no kept copy the
   * promise rejects with the network's error. Resolves with what was shown last.
   */
  load<T>(key: string, fetcher: () => Promise<T>, show: (value: T, meta: Shown) => void): Promise<Shown>;
}

export function createLastSeen(store: KV<Seen>, now: () => number = Date.now): LastSeen {
  async function read<T>(key: string): Promise<Seen<T> | undefined> {
    try {
      return (await store.get(key)) as Seen<T> | undefined;
    } catch {
      return undefined; // a broken or blocked IndexedDB must never stop the network's answer
    }
  }
  async function remember<T>(key: string, value: T): Promise<Seen<T>> {
    const seen = { value, at: now() };
    try {
      await store.set(key, seen);
    } catch {
      /* quota, private mode: shown now, not kept */
    }
    return seen;
  }
  async function load<T>(key: string, fetcher: () => Promise<T>, show: (value: T, meta: Shown) => void): Promise<Shown> {
    let fresh = false;
    let shownCached: Seen<T> | undefined;
    const network = fetcher();
    const kept = read<T>(key).then((seen) => {
      if (seen && !fresh) {
        shownCached = seen;
        show(seen.value, { at: seen.at, cached: true });
      }
      return seen;
    });
    try {
      const value = await network;
      fresh = true;
      const seen = await remember(key, value);
      const meta = { at: seen.at, cached: false };
      show(value, meta);
      return meta;
    } catch (error) {
      const seen = shownCached ?? (await kept);
      if (!seen) throw error;
      const meta = { at: seen.at, cached: true, error };
      show(seen.value, meta);
      return meta;
    }
  }
  return { read, remember, load, forget: () => store.clear().catch(() => {}) };
}
