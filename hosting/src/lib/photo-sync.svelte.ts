// The device's receipt photos (src/lib/photo-queue.ts over IndexedDB) as reactive state: what waits for a
// connection, what is being uploaded (with its progress) or read, and what is ready to review. Started by the
// layout, so a receipt photographed before the app was closed is followed again when it opens.
import { connectivity } from './connectivity.svelte';
import { deviceStore } from './kv';
import { PhotoQueue, type PendingPhoto } from './photo-queue';
import { uploadPhoto, type Prepared } from './photos';
import { remember } from './proposals';
import { session } from './session.svelte';
import { sync } from './sync.svelte';
import type { Proposal } from './types';

function localId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

class PhotoSync {
  items = $state<PendingPhoto[]>([]);
  /** Upload progress (0–1) by local id, while uploading. */
  progress = $state<Record<string, number>>({});
  private queue: PhotoQueue | null = null;
  private loaded: Promise<void> | null = null;

  /** This user's receipts, oldest first. */
  get mine(): PendingPhoto[] {
    return this.items.filter((i) => i.uid === session.user?.uid);
  }
  get active(): PendingPhoto[] {
    return this.mine.filter((i) => i.state === 'waiting' || i.state === 'uploading' || i.state === 'reading');
  }
  get done(): PendingPhoto[] {
    return this.mine.filter((i) => i.state === 'proposed' || i.state === 'failed');
  }

  start(): Promise<void> {
    if (typeof window === 'undefined') return Promise.resolve();
    this.loaded ??= (async () => {
      this.queue = new PhotoQueue({
        store: deviceStore<PendingPhoto>('photos'),
        upload: (item, onProgress) =>
          uploadPhoto(item.blob!, item.kind, { token: () => session.user?.getIdToken() ?? Promise.resolve(null), onProgress }),
        status: (photoId) => session.api.call('receipt_status', { photo_id: photoId }),
        onChange: (items) => (this.items = items.map((i) => ({ ...i }))),
        onProgress: (id, f) => (this.progress = { ...this.progress, [id]: f }),
        onProposed: (_item, status) => {
          if (status.proposal) remember(status.proposal as unknown as Proposal);
          sync.savedVersion++; // the home screen's "to review" reads again
        },
        onNetworkFailure: () => connectivity.failed(),
        onNetworkSuccess: () => connectivity.reached()
      });
      await this.queue.load();
      connectivity.onBack(() => void this.flush(true));
    })();
    return this.loaded;
  }

  async flush(force = false): Promise<void> {
    await this.start();
    const uid = session.user?.uid;
    if (uid) await this.queue!.flush(force, uid);
  }

  /**
   * Keeps a prepared receipt photo on the device and sends it at once if it can: its local id at once (to show
   * its progress), and when the first try is over, the photo as it then stands (waiting, reading or failed).
   */
  addReceipt(photo: Prepared): { id: string; sent: Promise<PendingPhoto> } {
    const id = localId();
    const sent = this.start().then(() => {
      const uid = session.user?.uid;
      if (!uid) throw new Error('not signed in');
      return this.queue!.add({ id, uid, kind: 'receipt', blob: photo.blob, bytes: photo.blob.size, width: photo.width, height: photo.height });
    });
    return { id, sent };
  }

  dismiss(id: string): Promise<void> {
    return this.queue ? this.queue.dismiss(id) : Promise.resolve();
  }

  get(id: string): PendingPhoto | undefined {
    return this.items.find((i) => i.id === id);
  }
}

export const photoSync = new PhotoSync();
