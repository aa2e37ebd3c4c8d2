// Receipt photos on their way to a proposal, remembered on the device (IndexedDB) so that a photo taken
// offline, or an app closed while a receipt is read, picks up where it was:
//
//   waiting (the downscaled photo kept on the phone) → uploading → reading (receipt_status followed) → proposed
//        ↑ no network / 5xx: waiting again, retried with backoff or when back online        └→ failed (unreadable)
//   a refusal (413, 415, 400): failed at once, with the reason
//
// Uploading the same photo twice is harmless (its id is its content hash), so a tab closed mid-upload just
// uploads it again. Pure of the browser: the store, the upload and the status check are passed in (tested).
import { ApiError } from './api';
import type { KV } from './kv';
import { followReceipt, linesToReview, type FollowOptions, type ReceiptStatus, type UploadAnswer } from './photos';
import { wakeForEarliest } from './wake';

export type PhotoState = 'waiting' | 'uploading' | 'reading' | 'proposed' | 'failed';

export interface PhotoError {
  status: number;
  code: string;
  message: string;
  field: string | null;
}

export interface PendingPhoto {
  /** A local id (the server's photo id is known only after the upload). */
  id: string;
  uid: string;
  kind: 'receipt';
  state: PhotoState;
  /** The photo as it will be sent (already downscaled); dropped once uploaded. */
  blob?: Blob;
  bytes: number;
  width: number;
  height: number;
  createdAt: number;
  /** Upload tries that got no answer or a 5xx, and when the next may go. */
  attempts: number;
  nextAt: number;
  photoId?: string;
  uploadedAt?: number;
  proposalId?: string;
  /** Lines proposed from the receipt. */
  lines?: number;
  readyAt?: number;
  /** Why it waits (network) or failed. */
  error?: PhotoError;
  /** Where the reading is on the server (queued, reading…), as last seen. */
  reading?: string;
}

export interface PhotoQueueDeps {
  store: KV<PendingPhoto>;
  upload: (item: PendingPhoto, onProgress: (fraction: number) => void) => Promise<UploadAnswer>;
  status: (photoId: string) => Promise<ReceiptStatus>;
  now?: () => number;
  backoff?: (attempts: number) => number;
  schedule?: (fn: () => void, ms: number) => unknown;
  /** Passed to followReceipt (tests inject a sleep that does not wait). */
  follow?: Pick<FollowOptions, 'sleep' | 'delay' | 'giveUpMs' | 'now'>;
  onChange?: (items: PendingPhoto[]) => void;
  onProgress?: (id: string, fraction: number) => void;
  onProposed?: (item: PendingPhoto, status: ReceiptStatus) => void;
  onNetworkFailure?: () => void;
  onNetworkSuccess?: () => void;
}

/** 5 s, 10 s, 20 s … at most 5 minutes. */
export const uploadBackoff = (attempts: number) => Math.min(5000 * 2 ** Math.max(0, attempts - 1), 300_000);
/** Finished items are forgotten after a day. */
export const KEEP_DONE_MS = 24 * 3600 * 1000;

function describe(e: unknown): PhotoError {
  if (e instanceof ApiError) return { status: e.status, code: e.code, message: e.message, field: e.field };
  return { status: 0, code: 'network', message: (e as Error)?.message ?? String(e), field: null };
}

/** No answer, a 5xx, 408, 429 or a stale token: worth trying again later. */
export function isTransient(e: unknown): boolean {
  if (!(e instanceof ApiError)) return !(e instanceof RangeError) && (e as Error)?.name !== 'PhotoDecodeError';
  return e.isNetwork || e.status >= 500 || [401, 408, 429].includes(e.status);
}

export class PhotoQueue {
  private items = new Map<string, PendingPhoto>();
  private busy = new Set<string>();
  private timer: unknown = null;
  private readonly now: () => number;
  private readonly backoff: (attempts: number) => number;

  constructor(private readonly deps: PhotoQueueDeps) {
    this.now = deps.now ?? Date.now;
    this.backoff = deps.backoff ?? uploadBackoff;
  }

  /** What the device kept; an upload cut off by a closed app waits again; old finished items are dropped. */
  async load(): Promise<PendingPhoto[]> {
    for (const [key, item] of await this.deps.store.entries()) {
      if ((item.state === 'proposed' || item.state === 'failed') && this.now() - (item.readyAt ?? item.createdAt) > KEEP_DONE_MS) {
        await this.deps.store.del(key);
        continue;
      }
      if (item.state === 'uploading') {
        item.state = 'waiting';
        await this.deps.store.set(key, item);
      }
      this.items.set(key, item);
    }
    this.changed();
    return this.list();
  }

  list(): PendingPhoto[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  get(id: string): PendingPhoto | undefined {
    return this.items.get(id);
  }

  /** Keeps the photo, then sends it at once (resolves after that first step: waiting, reading or failed). */
  async add(item: Omit<PendingPhoto, 'state' | 'attempts' | 'nextAt' | 'createdAt'> & { createdAt?: number }): Promise<PendingPhoto> {
    const kept: PendingPhoto = { ...item, state: 'waiting', attempts: 0, nextAt: 0, createdAt: item.createdAt ?? this.now() };
    this.items.set(kept.id, kept);
    await this.deps.store.set(kept.id, kept);
    this.changed();
    await this.upload(kept.id, true);
    return this.items.get(kept.id)!;
  }

  /** The baker has seen it (opened its proposal, or read why it failed): forgotten. */
  async dismiss(id: string): Promise<void> {
    if (this.busy.has(id) && this.items.get(id)?.state === 'uploading') return;
    this.items.delete(id);
    await this.deps.store.del(id);
    this.changed();
  }

  /**
   * Uploads what waits (all of it when `force`: the network is back) and follows what is being read.
   * Resolves when the uploads are done; following goes on in the background (see `settled`).
   */
  async flush(force = false, uid?: string): Promise<void> {
    for (const item of this.list()) {
      if (uid && item.uid !== uid) continue;
      if (item.state === 'waiting' && (force || item.nextAt <= this.now())) {
        const stop = await this.upload(item.id, false);
        if (stop) break; // no network: the rest waits too
      } else if (item.state === 'reading') this.follow(item.id);
    }
    this.plan();
  }

  private following = new Map<string, Promise<void>>();

  /** Resolves once nothing is being uploaded or followed (tests; the e2e does not need it). */
  async settled(): Promise<void> {
    while (this.following.size) await Promise.all([...this.following.values()]);
  }

  /** One upload try; true when it failed for want of a network. Follows the receipt after it. */
  private async upload(id: string, first: boolean): Promise<boolean> {
    const item = this.items.get(id);
    if (!item || item.state !== 'waiting' || this.busy.has(id) || !item.blob) return false;
    this.busy.add(id);
    try {
      await this.save(item, { state: 'uploading' });
      const answer = await this.deps.upload(item, (f) => this.deps.onProgress?.(id, f));
      this.deps.onNetworkSuccess?.();
      await this.save(item, { state: 'reading', photoId: answer.photo_id, uploadedAt: this.now(), blob: undefined, error: undefined, reading: answer.receipt?.status });
      this.follow(id);
      return false;
    } catch (e) {
      if (isTransient(e)) {
        const attempts = item.attempts + 1;
        await this.save(item, { state: 'waiting', attempts, nextAt: this.now() + this.backoff(attempts), error: describe(e) });
        if (describe(e).status === 0) this.deps.onNetworkFailure?.();
        if (!first) this.plan();
        return describe(e).status === 0;
      }
      await this.save(item, { state: 'failed', error: describe(e), blob: undefined, readyAt: this.now() });
      return false;
    } finally {
      this.busy.delete(id);
    }
  }

  /** Follows one receipt's reading in the background until it is proposed or failed. */
  private follow(id: string): void {
    const item = this.items.get(id);
    if (!item?.photoId || item.state !== 'reading' || this.following.has(id)) return;
    const photoId = item.photoId;
    const run = followReceipt({
      giveUpMs: 10 * 60_000,
      ...this.deps.follow,
      check: () => this.deps.status(photoId),
      onStatus: (s) => {
        const current = this.items.get(id);
        if (current && current.reading !== s.status) void this.save(current, { reading: s.status });
      }
    })
      .then(async (s) => {
        const current = this.items.get(id);
        if (!current) return;
        if (s.status === 'proposed') {
          await this.save(current, { state: 'proposed', proposalId: s.proposal_id ?? undefined, lines: linesToReview(s.proposal), readyAt: this.now(), reading: s.status });
          this.deps.onProposed?.(current, s);
        } else if (s.status === 'failed') {
          await this.save(current, { state: 'failed', error: { status: 200, code: 'unreadable', message: s.error ?? '', field: null }, readyAt: this.now(), reading: s.status });
        }
        // else still on its way after giveUpMs: followed again on the next start or flush
      })
      .catch(async (e) => {
        const current = this.items.get(id);
        if (!current) return;
        if (isTransient(e)) this.deps.onNetworkFailure?.(); // followed again when the network is back
        else await this.save(current, { state: 'failed', error: describe(e), readyAt: this.now() });
      })
      .finally(() => this.following.delete(id));
    this.following.set(id, run);
  }

  private async save(item: PendingPhoto, change: Partial<PendingPhoto>): Promise<void> {
    Object.assign(item, change);
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete (item as unknown as Record<string, unknown>)[k];
    if (this.items.get(item.id) !== item) return; // dismissed meanwhile
    await this.deps.store.set(item.id, item);
    this.changed();
  }

  /** Wakes up for the next waiting photo that is due. */
  private plan(): void {
    if (this.timer) return;
    const due = this.list().filter((i) => i.state === 'waiting').map((i) => i.nextAt);
    this.timer = wakeForEarliest(due, this.now(), () => {
      this.timer = null;
      void this.flush();
    }, this.deps.schedule);
  }

  private changed(): void {
    this.deps.onChange?.(this.list());
  }
}
