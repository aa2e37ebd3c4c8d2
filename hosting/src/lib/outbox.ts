// Offline writes — one state machine (app.md):
//   queued (kept in IndexedDB with its Idempotency-Key) → sending → saved
//                                                                 | refused (a 4xx: kept with the reason, to fix or discard)
//                                                                 | queued again (no answer or a 5xx: retried with backoff)
// The same key is sent on every try, so a retry never records twice (the functions answer a replayed
// add_purchase with `replayed: true`; a replayed run is the same run, by its key). One send at a time per device (a lock across tabs where the
// browser has Web Locks), and an item is read again from the store before it is sent.
import { ApiError } from './api';
import type { KV } from './kv';
import type { Operations } from './types';
import { wakeForEarliest } from './wake';

export type OutboxOp = 'add_purchase' | 'set_inventory_level' | 'record_production' | 'record_assembly' | 'propose_from_text';
export type OutboxState = 'queued' | 'sending' | 'saved' | 'refused';

export interface OutboxError {
  status: number;
  code: string;
  message: string;
  field: string | null;
  /** What the functions listed with it (a 409 `insufficient_stock`: every shortage). */
  details?: unknown[];
}

export interface OutboxItem<O extends OutboxOp = OutboxOp> {
  /** The Idempotency-Key, also the item's id. */
  key: string;
  op: O;
  body: Operations[O]['req'];
  state: OutboxState;
  /** Tries that got no answer or a 5xx. */
  attempts: number;
  /** Not retried before this time (ms), unless the network comes back. */
  nextAt: number;
  createdAt: number;
  /** Who made it: only their writes are sent with their token. */
  uid: string;
  /** Where it shows: e.g. `{event: 'winter-market-2026', line: 'flour|p1'}`, and a label for lists. */
  meta: { label?: string; event?: string; line?: string };
  /** The last failure: the refusal (4xx) or why it is waiting (no network, 5xx). */
  error?: OutboxError;
  /** The functions' answer once saved. */
  result?: unknown;
}

export interface OutboxDeps {
  store: KV<OutboxItem>;
  send: (item: OutboxItem) => Promise<unknown>;
  now?: () => number;
  /** Delay before try n+1 after n failed tries. */
  backoff?: (attempts: number) => number;
  /** Runs `fn` holding a lock shared by the tabs (navigator.locks); default: no lock. */
  lock?: <R>(fn: () => Promise<R>) => Promise<R>;
  onChange?: (items: OutboxItem[]) => void;
  onSaved?: (item: OutboxItem) => void;
  /** A try failed for want of a network (or a 5xx): the app is then shown offline. */
  onNetworkFailure?: (item: OutboxItem) => void;
  onNetworkSuccess?: () => void;
  schedule?: (fn: () => void, ms: number) => unknown;
}

/** 2 s, 4 s, 8 s … at most 5 minutes. */
export const defaultBackoff = (attempts: number) => Math.min(2000 * 2 ** Math.max(0, attempts - 1), 300_000);

/** A 4xx will not change by retrying — except 401 (a stale token is renewed), 408 and 429. */
export function isRefusal(e: unknown): boolean {
  return e instanceof ApiError && e.isRefusal && ![401, 408, 429].includes(e.status);
}

function describe(e: unknown): OutboxError {
  if (e instanceof ApiError) return { status: e.status, code: e.code, message: e.message, field: e.field, ...(e.details ? { details: e.details } : {}) };
  return { status: 0, code: 'network', message: (e as Error)?.message ?? String(e), field: null };
}

export class Outbox {
  private items = new Map<string, OutboxItem>();
  private running: Promise<void> | null = null;
  private again = false;
  private againForce = false;
  private timer: unknown = null;
  private readonly now: () => number;
  private readonly backoff: (attempts: number) => number;

  constructor(private readonly deps: OutboxDeps) {
    this.now = deps.now ?? Date.now;
    this.backoff = deps.backoff ?? defaultBackoff;
  }

  /** Reads what is kept (after a reload); an item left `sending` by a closed tab is queued again. */
  async load(): Promise<OutboxItem[]> {
    const kept = await this.deps.store.entries();
    for (const [, item] of kept) {
      if (item.state === 'sending') {
        item.state = 'queued';
        await this.deps.store.set(item.key, item);
      }
      this.items.set(item.key, item);
    }
    this.changed();
    return this.list();
  }

  list(): OutboxItem[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  get(key: string): OutboxItem | undefined {
    return this.items.get(key);
  }

  /**
   * Keeps the write (queued), then tries to send it at once. Resolves with its state after that first
   * try: saved, refused, or queued (waiting to sync). Submitting a key already known does not add it twice.
   */
  async submit<O extends OutboxOp>(op: O, body: Operations[O]['req'], key: string, uid: string, meta: OutboxItem['meta'] = {}): Promise<OutboxItem<O>> {
    if (!this.items.has(key)) {
      const item: OutboxItem<O> = { key, op, body, state: 'queued', attempts: 0, nextAt: 0, createdAt: this.now(), uid, meta };
      this.items.set(key, item as OutboxItem);
      await this.deps.store.set(key, item as OutboxItem);
      this.changed();
    }
    await this.flush(true, uid);
    return this.items.get(key) as OutboxItem<O>;
  }

  /** A refused write is dropped (the baker chose not to fix it), or a saved one forgotten. */
  async discard(key: string): Promise<void> {
    const item = this.items.get(key);
    if (!item || item.state === 'sending') return;
    this.items.delete(key);
    await this.deps.store.del(key);
    this.changed();
  }

  /** Sends every queued item that is due (all of them when `force`: the network came back). */
  flush(force = false, uid?: string): Promise<void> {
    if (this.running) {
      this.again = true;
      this.againForce ||= force;
      return this.running;
    }
    this.running = (async () => {
      let f = force;
      do {
        this.again = false;
        await this.sendDue(f, uid);
        f = this.againForce;
        this.againForce = false;
      } while (this.again);
    })().finally(() => {
      this.running = null;
      this.plan();
    });
    return this.running;
  }

  private async sendDue(force: boolean, uid?: string): Promise<void> {
    const due = this.list().filter((i) => i.state === 'queued' && (!uid || i.uid === uid) && (force || i.nextAt <= this.now()));
    for (const item of due) {
      const lock = this.deps.lock ?? ((fn) => fn());
      const stop = await lock(() => this.sendOne(item.key));
      if (stop) break; // no network: the rest waits too (their order is kept)
    }
  }

  /** One try; true when it failed for want of a network (so the rest are not tried now). */
  private async sendOne(key: string): Promise<boolean> {
    // Another tab may have sent it meanwhile: the store is the truth.
    const stored = await this.deps.store.get(key);
    if (!stored || stored.state !== 'queued') {
      if (stored) this.items.set(key, stored);
      else if (this.items.get(key)?.state === 'queued') this.items.delete(key);
      this.changed();
      return false;
    }
    const item = stored;
    item.state = 'sending';
    this.items.set(key, item);
    await this.deps.store.set(key, item);
    this.changed();
    try {
      item.result = await this.deps.send(item);
      item.state = 'saved';
      item.error = undefined;
      await this.deps.store.del(key); // done: kept in memory only, to show "saved"
      this.changed();
      this.deps.onNetworkSuccess?.();
      this.deps.onSaved?.(item);
      return false;
    } catch (e) {
      item.error = describe(e);
      if (isRefusal(e)) {
        item.state = 'refused';
        this.deps.onNetworkSuccess?.();
      } else {
        item.state = 'queued';
        item.attempts += 1;
        item.nextAt = this.now() + this.backoff(item.attempts);
      }
      await this.deps.store.set(key, item);
      this.changed();
      if (item.state === 'queued') {
        this.deps.onNetworkFailure?.(item);
        return true;
      }
      return false;
    }
  }

  /** Wakes up for the next queued item that is due. */
  private plan(): void {
    if (this.timer) return;
    const due = this.list().filter((i) => i.state === 'queued').map((i) => i.nextAt);
    this.timer = wakeForEarliest(due, this.now(), () => {
      this.timer = null;
      void this.flush();
    }, this.deps.schedule);
  }

  private changed(): void {
    this.deps.onChange?.(this.list());
  }
}
