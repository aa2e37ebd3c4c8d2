import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { idbStore, memoryStore } from './kv';
import { createLastSeen, type Seen, type Shown } from './lastseen';

describe('last-seen cache', () => {
  it('keeps the network answer and shows the kept copy first next time, then the fresh one', async () => {
    let now = 100;
    const seen = createLastSeen(memoryStore<Seen>(), () => now);
    const shows: [string, Shown][] = [];
    await seen.load('plan:a', async () => 'v1', (v, m) => shows.push([v, m]));
    expect(shows).toEqual([['v1', { at: 100, cached: false }]]);
    now = 200;
    shows.length = 0;
    let answer!: (v: string) => void;
    const done = seen.load('plan:a', () => new Promise<string>((r) => (answer = r)), (v, m) => shows.push([v, m]));
    await new Promise((r) => setTimeout(r, 0));
    expect(shows).toEqual([['v1', { at: 100, cached: true }]]);
    answer('v2');
    await done;
    expect(shows[1]).toEqual(['v2', { at: 200, cached: false }]);
    expect((await seen.read('plan:a'))?.value).toBe('v2');
  });

  it('offline: the kept copy stays, with the error; with nothing kept the error is thrown', async () => {
    const seen = createLastSeen(memoryStore<Seen>(), () => 5);
    await seen.remember('list:x', { n: 1 });
    const shows: Shown[] = [];
    const fail = () => Promise.reject(new TypeError('Failed to fetch'));
    const meta = await seen.load('list:x', fail, (_v, m) => shows.push(m));
    expect(meta).toMatchObject({ cached: true, at: 5 });
    expect(meta.error).toBeInstanceOf(TypeError);
    await expect(seen.load('list:none', fail, () => {})).rejects.toThrow('Failed to fetch');
  });

  it('a fast network answer is shown alone (no flash of the old copy)', async () => {
    const seen = createLastSeen(memoryStore<Seen>(), () => 1);
    await seen.remember('k', 'old');
    const values: string[] = [];
    await seen.load('k', () => Promise.resolve('new'), (v) => values.push(v));
    expect(values.at(-1)).toBe('new');
  });

  it('works over IndexedDB and forgets everything on sign-out', async () => {
    const seen = createLastSeen(idbStore<Seen>('lastSeen'), () => 7);
    await seen.remember('shopping_list:t:e', { suppliers: [] });
    expect(await seen.read('shopping_list:t:e')).toEqual({ value: { suppliers: [] }, at: 7 });
    await seen.forget();
    expect(await seen.read('shopping_list:t:e')).toBeUndefined();
  });

  it('a broken store never hides the network answer', async () => {
    const broken = { ...memoryStore<Seen>(), get: () => Promise.reject(new Error('blocked')), set: () => Promise.reject(new Error('quota')) };
    const seen = createLastSeen(broken);
    const values: number[] = [];
    await seen.load('k', async () => 42, (v) => values.push(v));
    expect(values).toEqual([42]);
  });
});
