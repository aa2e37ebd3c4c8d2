// The app's outbox (src/lib/outbox.ts) over IndexedDB, sending with the session's API client, as
// reactive state for the screens: what waits to sync, what was refused and why, what was saved.
import { ApiError, newIdempotencyKey } from './api';
import { connectivity } from './connectivity.svelte';
import { invalidate } from './data';
import { deviceStore } from './kv';
import { Outbox, type OutboxItem, type OutboxOp } from './outbox';
import { session } from './session.svelte';
import type { Operations } from './types';

/** How long one try may take before it counts as "no answer" (the key makes a late answer harmless). */
const TRY_MS = 20_000;

class Sync {
  items = $state<OutboxItem[]>([]);
  /** Bumped after writes were saved: screens showing lists those writes change read them again. */
  savedVersion = $state(0);
  private outbox: Outbox | null = null;
  private loaded: Promise<void> | null = null;

  get waiting(): OutboxItem[] {
    return this.items.filter((i) => (i.state === 'queued' || i.state === 'sending') && i.uid === session.user?.uid);
  }
  get refused(): OutboxItem[] {
    return this.items.filter((i) => i.state === 'refused' && i.uid === session.user?.uid);
  }
  byLine(event: string, line: string): OutboxItem | undefined {
    return this.items.findLast((i) => i.meta.event === event && i.meta.line === line && i.state !== 'saved') ?? this.items.findLast((i) => i.meta.event === event && i.meta.line === line);
  }

  start(): Promise<void> {
    if (typeof window === 'undefined') return Promise.resolve();
    this.loaded ??= (async () => {
      const lock = typeof navigator !== 'undefined' && navigator.locks
        ? <R,>(fn: () => Promise<R>) => navigator.locks.request('baketracker-outbox', () => fn()) as Promise<R>
        : undefined;
      this.outbox = new Outbox({
        store: deviceStore<OutboxItem>('outbox'),
        lock,
        send: (item) =>
          session.api.call(item.op, item.body as Operations[OutboxOp]['req'], { idempotencyKey: item.key, signal: AbortSignal.timeout(TRY_MS) }),
        onChange: (items) => (this.items = items.map((i) => ({ ...i }))),
        onNetworkFailure: (item) => {
          if (item.error?.status === 0) connectivity.failed();
        },
        onNetworkSuccess: () => connectivity.reached(),
        onSaved: (item) => {
          invalidate('lots', 'purchase_summaries');
          this.savedVersion++;
          void item;
        }
      });
      await this.outbox.load();
      connectivity.onBack(() => void this.flush(true));
      // Where the browser has Background Sync, the service worker wakes the page's tabs to replay.
      navigator.serviceWorker?.addEventListener('message', (e) => {
        if ((e.data as { type?: string })?.type === 'REPLAY_OUTBOX') void this.flush(true);
      });
    })();
    return this.loaded;
  }

  /** Sends when the user is known; otherwise waits for the session. */
  async flush(force = false): Promise<void> {
    await this.start();
    const uid = session.user?.uid;
    if (uid) await this.outbox!.flush(force, uid);
  }

  /** One write through the outbox: saved, queued (waiting to sync) or refused after the first try. */
  async submit<O extends OutboxOp>(op: O, body: Operations[O]['req'], key: string, meta: OutboxItem['meta'] = {}): Promise<OutboxItem<O>> {
    await this.start();
    const uid = session.user?.uid;
    if (!uid) throw new ApiError(401, 'unauthenticated', 'not signed in');
    const item = await this.outbox!.submit(op, body, key, uid, meta);
    if (item.state === 'queued') void registerBackgroundSync();
    return item;
  }

  discard(key: string): Promise<void> {
    return this.outbox ? this.outbox.discard(key) : Promise.resolve();
  }

  /** A refused write the baker fixed elsewhere: dropped; fixing it sends a new write with a new key. */
  newKey(): string {
    return newIdempotencyKey();
  }
}

async function registerBackgroundSync(): Promise<void> {
  try {
    const reg = (await navigator.serviceWorker?.getRegistration()) as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined;
    await reg?.sync?.register('baketracker-outbox');
  } catch {
    /* no Background Sync (Safari, Firefox): the page replays on `online` and on the next start */
  }
}

export const sync = new Sync();
