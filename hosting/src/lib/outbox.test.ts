import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { memoryStore } from './kv';
import { Outbox, type OutboxItem } from './outbox';

const body = { product_id: 'p1', packages: 2, unit_price: 3.5, purchased_on: '2026-12-02' };

function setup(answers: (() => unknown)[]) {
  const store = memoryStore<OutboxItem>();
  const sent: { key: string; state: string }[] = [];
  const states: string[][] = [];
  let clock = 1000;
  const outbox = new Outbox({
    store,
    now: () => clock,
    schedule: () => 0,
    send: async (item) => {
      sent.push({ key: item.key, state: item.state });
      const next = answers.shift();
      if (!next) throw new Error('unexpected send');
      return next();
    },
    onChange: (items) => states.push(items.map((i) => i.state))
  });
  return { store, sent, states, outbox, tick: (ms: number) => (clock += ms) };
}
const ok = () => ({ purchase_id: 'x', replayed: false });
const offline = () => {
  throw new ApiError(0, 'network', 'Failed to fetch');
};
const fiveHundred = () => {
  throw new ApiError(503, 'unavailable', 'try later');
};
const refused = () => {
  throw new ApiError(422, 'invalid', 'unit_price: must be > 0', 'unit_price');
};

describe('outbox', () => {
  it('queued → sending → saved, and forgets a saved write on the device', async () => {
    const { outbox, store, states } = setup([ok]);
    const item = await outbox.submit('add_purchase', body, 'k1', 'u1');
    expect(item.state).toBe('saved');
    expect(states.map((s) => s[0])).toEqual(['queued', 'sending', 'saved']);
    expect(await store.entries()).toEqual([]);
  });

  it('no network → queued with backoff, kept on the device; retried with the same key; saved once', async () => {
    const { outbox, store, sent, tick } = setup([offline, fiveHundred, ok]);
    const first = await outbox.submit('add_purchase', body, 'k1', 'u1');
    expect(first.state).toBe('queued');
    expect(first.attempts).toBe(1);
    expect(first.nextAt).toBe(1000 + 2000);
    expect((await store.get('k1'))?.state).toBe('queued');
    await outbox.flush(); // not due yet: nothing sent
    expect(sent).toHaveLength(1);
    tick(2000);
    await outbox.flush();
    expect(outbox.get('k1')?.state).toBe('queued'); // a 5xx: again later
    expect(outbox.get('k1')?.attempts).toBe(2);
    expect(outbox.get('k1')?.nextAt).toBe(3000 + 4000);
    await outbox.flush(true); // the network came back: sent at once
    expect(outbox.get('k1')?.state).toBe('saved');
    expect(sent.map((s) => s.key)).toEqual(['k1', 'k1', 'k1']);
    await outbox.flush(true);
    expect(sent).toHaveLength(3); // never sent again once saved
  });

  it('4xx → refused, kept with the reason until discarded; not retried', async () => {
    const { outbox, store, sent } = setup([refused]);
    const item = await outbox.submit('add_purchase', body, 'k1', 'u1');
    expect(item.state).toBe('refused');
    expect(item.error).toMatchObject({ status: 422, field: 'unit_price' });
    expect((await store.get('k1'))?.state).toBe('refused');
    await outbox.flush(true);
    expect(sent).toHaveLength(1);
    await outbox.discard('k1');
    expect(await store.get('k1')).toBeUndefined();
    expect(outbox.list()).toEqual([]);
  });

  it('401, 408 and 429 are retried, not refused', async () => {
    const { outbox } = setup([() => { throw new ApiError(429, 'rate', 'slow down'); }]);
    expect((await outbox.submit('add_purchase', body, 'k1', 'u1')).state).toBe('queued');
  });

  it('never doubles: concurrent flushes and a resubmitted key send once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { outbox, sent } = setup([async () => { await gate; return ok(); }]);
    const a = outbox.submit('add_purchase', body, 'k1', 'u1');
    const b = outbox.flush(true);
    const c = outbox.submit('add_purchase', body, 'k1', 'u1');
    release();
    await Promise.all([a, b, c]);
    expect(sent).toHaveLength(1);
    expect(outbox.get('k1')?.state).toBe('saved');
  });

  it('after a reload: kept items come back; one left sending is queued again and sent with its key', async () => {
    const store = memoryStore<OutboxItem>();
    await store.set('k9', { key: 'k9', op: 'add_purchase', body, state: 'sending', attempts: 0, nextAt: 0, createdAt: 1, uid: 'u1', meta: {} });
    const keys: string[] = [];
    const outbox = new Outbox({ store, schedule: () => 0, send: async (i) => void keys.push(i.key) });
    const items = await outbox.load();
    expect(items[0].state).toBe('queued');
    await outbox.flush(true, 'u1');
    expect(keys).toEqual(['k9']);
  });

  it('an item another tab already sent is not sent again', async () => {
    const { outbox, store, sent } = setup([offline]);
    await outbox.submit('add_purchase', body, 'k1', 'u1');
    await store.del('k1'); // the other tab saved it and forgot it
    await outbox.flush(true);
    expect(sent).toHaveLength(1);
  });

  it('sends only the signed-in user’s writes', async () => {
    const { outbox, sent } = setup([offline]);
    await outbox.submit('add_purchase', body, 'k1', 'u1');
    await outbox.flush(true, 'u2');
    expect(sent).toHaveLength(1);
  });
});
