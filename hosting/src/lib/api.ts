// The one client for /api/<operation>: POST JSON with the ID token, typed answers, typed errors.
import type { Op, Operations } from './types';

/** What the functions answer on failure: `{"error": {"code", "message", "field", "details?"}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  readonly details: unknown[] | undefined;

  constructor(status: number, code: string, message: string, field: string | null = null, details?: unknown[]) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }

  /** No answer at all (offline, DNS, CORS): status 0, code `network`. Retrying may help. */
  get isNetwork(): boolean {
    return this.status === 0;
  }
  /** A 4xx: retrying the same request will not help; the baker must change something. */
  get isRefusal(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

type Fetch = typeof fetch;

export interface ApiOptions {
  /** The current user's Firebase ID token, or null when signed out. */
  token: () => Promise<string | null>;
  base?: string;
  fetch?: Fetch;
}

export interface CallOptions {
  /** Makes a write safe to retry: the same key never records twice (add_purchase). */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** A fresh key for one write; keep it with the write and send it on every retry. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Reads an error body; anything that is not the documented JSON still becomes an ApiError. */
export async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    /* not JSON (a proxy's HTML page, an empty 502) */
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (error && typeof error === 'object') {
    return new ApiError(
      response.status,
      typeof error.code === 'string' ? error.code : 'error',
      typeof error.message === 'string' ? error.message : response.statusText,
      typeof error.field === 'string' ? error.field : null,
      Array.isArray(error.details) ? error.details : undefined
    );
  }
  return new ApiError(response.status, `http_${response.status}`, response.statusText || `HTTP ${response.status}`);
}

export function createApi(options: ApiOptions) {
  const base = options.base ?? '/api';
  const doFetch: Fetch = options.fetch ?? ((...args) => fetch(...args));

  async function call<O extends Op>(op: O, body: Operations[O]['req'], opts: CallOptions = {}): Promise<Operations[O]['res']> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    let token: string | null;
    try {
      token = await options.token();
    } catch (e) {
      // Renewing an expired ID token needs the network: with none, this is a network error like any other.
      const code = (e as { code?: string })?.code;
      if (code === 'auth/network-request-failed' || e instanceof TypeError) throw new ApiError(0, 'network', (e as Error).message || 'network error');
      throw e;
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
    let response: Response;
    try {
      response = await doFetch(`${base}/${op}`, { method: 'POST', headers, body: JSON.stringify(body), signal: opts.signal });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', (e as Error)?.message || 'network error');
    }
    if (!response.ok) throw await errorFrom(response);
    return (await response.json()) as Operations[O]['res'];
  }

  return { call };
}

export type Api = ReturnType<typeof createApi>;
