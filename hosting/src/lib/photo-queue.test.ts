import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { memoryStore } from './kv';
import { KEEP_DONE_MS, PhotoQueue, type PendingPhoto, type PhotoQueueDeps } from './photo-queue';
import type { ReceiptStatus, UploadAnswer } from './photos';

const PHOTO = 'c'.repeat(32);
const photo = () => new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])], { type: 'image/jpeg' });
const uploaded = (): UploadAnswer => ({ photo_id: PHOTO, kind: 'receipt', path: `tenants/t/receipts/${PHOTO}`, bytes: 6, width: 2400, height: 1800, created: true, receipt: { photo_id: PHOTO, status: 'uploaded', proposal_id: null, error: null } });
const status = (s: ReceiptStatus['status'], extra: Partial<ReceiptStatus> = {}): ReceiptStatus => ({ photo_id: PHOTO, status: s, proposal_id: null, error: null, ...extra });
const offline = () => {
  throw new ApiError(0, 'network', 'Failed to fetch');
};

function setup(uploads: (() => UploadAnswer)[], statuses: (() => ReceiptStatus)[], extra: Partial<PhotoQueueDeps> = {}) {
  const store = extra.store ?? memoryStore<PendingPhoto>();
  let clock = 1_000;
  const events: string[] = [];
  const queue = new PhotoQueue({
    store,
    now: () => clock,
    schedule: () => 0,
    follow: { sleep: async (ms) => void (clock += ms), now: () => clock },
    upload: async (item, onProgress) => {
      events.push(`upload ${item.id} (${item.blob?.size} bytes)`);
      onProgress(0.5);
      const next = uploads.shift();
      if (!next) throw new Error('unexpected upload');
      return next();
    },
    status: async (id) => {
      events.push(`status ${id.slice(0, 4)}`);
      const next = statuses.shift();
      if (!next) throw new Error('unexpected status check');
      return next();
    },
    onProgress: (id, f) => events.push(`progress ${id} ${f}`),
    onProposed: (item) => events.push(`proposed ${item.proposalId} (${item.lines} lines)`),
    ...extra
  });
  return { queue, store, events, tick: (ms: number) => (clock += ms) };
}

const add = (queue: PhotoQueue, id = 'r1') => queue.add({ id, uid: 'u1', kind: 'receipt', blob: photo(), bytes: 6, width: 2400, height: 1800 });

describe('PhotoQueue', () => {
  it('uploads at once, follows the reading and ends proposed with its line count', async () => {
    const proposal = { proposal_id: `receipt-${PHOTO}`, operations: [{}, {}, { removed: true }] };
    const { queue, store, events } = setup([uploaded], [() => status('queued'), () => status('reading'), () => status('proposed', { proposal_id: proposal.proposal_id, proposal })]);
    const first = await add(queue);
    expect(first.state).toBe('reading');
    expect(first.blob).toBeUndefined(); // not kept once on the server
    await queue.settled();
    const done = queue.get('r1')!;
    expect(done).toMatchObject({ state: 'proposed', proposalId: `receipt-${PHOTO}`, lines: 2, photoId: PHOTO });
    expect(events).toEqual(['upload r1 (6 bytes)', 'progress r1 0.5', 'status cccc', 'status cccc', 'status cccc', `proposed receipt-${PHOTO} (2 lines)`]);
    expect((await store.get('r1'))?.state).toBe('proposed'); // remembered for the notice after a restart
  });

  it('offline: keeps the photo waiting on the device, and uploads it when the network is back', async () => {
    const { queue, store, events } = setup([offline as () => UploadAnswer, uploaded], [() => status('proposed', { proposal_id: 'p1' })]);
    const first = await add(queue);
    expect(first.state).toBe('waiting');
    expect(first.error?.code).toBe('network');
    const kept = await store.get('r1');
    expect(kept?.blob?.size).toBe(6); // the photo itself is in the store
    await queue.flush(true, 'u1');
    await queue.settled();
    expect(queue.get('r1')?.state).toBe('proposed');
    expect(events.filter((e) => e.startsWith('upload'))).toHaveLength(2);
  });

  it('retries with backoff, not before it is due unless forced', async () => {
    const { queue, events, tick } = setup([offline as () => UploadAnswer, offline as () => UploadAnswer, uploaded], [() => status('proposed', { proposal_id: 'p' })]);
    await add(queue);
    await queue.flush(); // not due yet
    expect(events.filter((e) => e.startsWith('upload'))).toHaveLength(1);
    tick(5_100);
    await queue.flush();
    expect(queue.get('r1')).toMatchObject({ state: 'waiting', attempts: 2 });
    tick(10_100);
    await queue.flush();
    await queue.settled();
    expect(queue.get('r1')?.state).toBe('proposed');
  });

  it('a refusal (413, 415, 400) fails at once with the reason and drops the photo', async () => {
    const { queue } = setup([() => {
      throw new ApiError(415, 'unsupported_type', 'send a JPEG, PNG or WebP photo', 'photo');
    }], []);
    const item = await add(queue);
    expect(item).toMatchObject({ state: 'failed', error: { status: 415, code: 'unsupported_type' } });
    expect(item.blob).toBeUndefined();
  });

  it('an unreadable receipt ends failed with the reader’s words', async () => {
    const { queue } = setup([uploaded], [() => status('failed', { error: 'the photo is blank' })]);
    await add(queue);
    await queue.settled();
    expect(queue.get('r1')).toMatchObject({ state: 'failed', error: { code: 'unreadable', message: 'the photo is blank' } });
  });

  it('after a restart: an upload cut off waits again, a reading is followed again, old finished ones are forgotten', async () => {
    const store = memoryStore<PendingPhoto>();
    const base = { uid: 'u1', kind: 'receipt' as const, bytes: 6, width: 10, height: 10, attempts: 0, nextAt: 0 };
    await store.set('cut', { ...base, id: 'cut', state: 'uploading', blob: photo(), createdAt: 500 });
    await store.set('read', { ...base, id: 'read', state: 'reading', photoId: PHOTO, createdAt: 600 });
    await store.set('old', { ...base, id: 'old', state: 'proposed', proposalId: 'p0', createdAt: 1, readyAt: 1 });
    const { queue } = setup([uploaded], [() => status('proposed', { proposal_id: 'p-read' }), () => status('proposed', { proposal_id: 'p-cut' })], { store, now: () => KEEP_DONE_MS + 10 });
    const loaded = await queue.load();
    expect(loaded.map((i) => [i.id, i.state])).toEqual([['cut', 'waiting'], ['read', 'reading']]);
    expect(await store.get('old')).toBeUndefined();
    await queue.flush(false, 'u1');
    await queue.settled();
    expect(queue.list().map((i) => [i.id, i.state])).toEqual([['cut', 'proposed'], ['read', 'proposed']]);
  });

  it('sends only the signed-in user’s photos, and dismissing forgets one', async () => {
    const store = memoryStore<PendingPhoto>();
    await store.set('theirs', { id: 'theirs', uid: 'u2', kind: 'receipt', state: 'waiting', blob: photo(), bytes: 6, width: 1, height: 1, createdAt: 1, attempts: 0, nextAt: 0 });
    const { queue, events } = setup([], [], { store });
    await queue.load();
    await queue.flush(true, 'u1');
    expect(events).toEqual([]);
    await queue.dismiss('theirs');
    expect(await store.entries()).toEqual([]);
  });

  it('a reading that loses the network stays reading, to be followed again', async () => {
    const { queue } = setup([uploaded], [offline as () => ReceiptStatus, offline as () => ReceiptStatus, offline as () => ReceiptStatus, () => status('proposed', { proposal_id: 'p' })]);
    await add(queue);
    await queue.settled();
    expect(queue.get('r1')?.state).toBe('reading');
    await queue.flush(true, 'u1');
    await queue.settled();
    expect(queue.get('r1')?.state).toBe('proposed');
  });
});
