import { describe, expect, it } from 'vitest';
import { ApiError, createApi, errorFrom } from './api';

function fakeFetch(status: number, body: unknown, seen: { url?: string; init?: RequestInit }[] = []) {
  return (async (url: string, init?: RequestInit) => {
    seen.push({ url, init });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { 'Content-Type': 'application/json' } });
  }) as unknown as typeof fetch;
}

describe('api client', () => {
  it('POSTs JSON to /api/<op> with the ID token and the Idempotency-Key', async () => {
    const seen: { url?: string; init?: RequestInit }[] = [];
    const api = createApi({ token: async () => 'tok-123', fetch: fakeFetch(200, { purchase_id: 'p1', replayed: false }, seen) });
    const answer = await api.call('add_purchase', { product_id: 'flour', packages: 2, unit_price: 4.5, purchased_on: '2026-12-01' }, { idempotencyKey: 'key-1' });
    expect(answer.purchase_id).toBe('p1');
    expect(seen[0].url).toBe('/api/add_purchase');
    expect(seen[0].init?.method).toBe('POST');
    const headers = seen[0].init?.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok-123');
    expect(headers['Idempotency-Key']).toBe('key-1');
    expect(JSON.parse(String(seen[0].init?.body))).toEqual({ product_id: 'flour', packages: 2, unit_price: 4.5, purchased_on: '2026-12-01' });
  });

  it('sends no Authorization header when signed out', async () => {
    const seen: { url?: string; init?: RequestInit }[] = [];
    const api = createApi({ token: async () => null, fetch: fakeFetch(200, {}, seen) });
    await api.call('list_members', {});
    expect((seen[0].init?.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it('turns a 400 JSON error into an ApiError naming the field', async () => {
    const body = { error: { code: 'invalid', message: 'packages: Input should be greater than 0', field: 'packages', details: [{ field: 'packages', reason: 'Input should be greater than 0' }] } };
    const api = createApi({ token: async () => 't', fetch: fakeFetch(400, body) });
    const error = await api.call('add_purchase', { product_id: 'x', packages: -1, unit_price: 1, purchased_on: '2026-12-01' }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid', field: 'packages', message: 'packages: Input should be greater than 0' });
    expect(error.details).toHaveLength(1);
    expect(error.isRefusal).toBe(true);
  });

  it('keeps the details of a 409 insufficient_stock', async () => {
    const details = [{ ingredient: 'flour', needed: 24, on_hand: 20, short: 4, unit: 'G21' }];
    const api = createApi({ token: async () => 't', fetch: fakeFetch(409, { error: { code: 'insufficient_stock', message: 'not enough', field: null, details } }) });
    const error: ApiError = await api.call('record_loss', { ingredient: 'flour', amount: 1, unit: 'G21', reason: 'spoilage' }).catch((e) => e);
    expect(error.status).toBe(409);
    expect(error.field).toBeNull();
    expect(error.details).toEqual(details);
  });

  it('maps a body that is not the documented JSON to an http_<status> error', async () => {
    const error = await errorFrom(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(error).toMatchObject({ status: 502, code: 'http_502', field: null, message: 'Bad Gateway' });
    expect(error.isRefusal).toBe(false);
  });

  it('reports a failed fetch as a network error (status 0)', async () => {
    const api = createApi({ token: async () => 't', fetch: (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof fetch });
    const error: ApiError = await api.call('plan_event', { event: 'x' }).catch((e) => e);
    expect(error.isNetwork).toBe(true);
    expect(error.code).toBe('network');
  });
});
