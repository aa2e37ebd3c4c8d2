// Photos for AI input (receipts, shelves): made small enough in the browser, uploaded with progress, and a
// receipt's reading followed until its proposal is there. The arithmetic is pure and tested (photos.test.ts);
// the browser parts (decoding, canvas, XMLHttpRequest) are thin around it.
import { ApiError } from './api';
import type { MessageKey, Params } from './i18n';

/** What upload_photo accepts at most (functions/photos.py MAX_PHOTO_BYTES). */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
/** What a photo is made to fit: well under the limit, and quick to send on a phone's connection. */
export const BUDGET_BYTES = 3 * 1024 * 1024;
/** The long side after downscaling: a receipt's smallest print stays legible to OCR (which itself reads at 1400–3000 px). */
export const LONG_SIDE = 2400;
/** JPEG qualities tried in turn until the photo fits the budget. */
export const QUALITIES = [0.85, 0.75, 0.65, 0.55, 0.45] as const;
/** Types the server takes as they are. */
export const SENDABLE = ['image/jpeg', 'image/png', 'image/webp'];

export type PhotoKind = 'receipt' | 'inventory';

/** The size to draw a photo at: the long side at most `longSide`, proportions kept, never enlarged. */
export function targetSize(width: number, height: number, longSide = LONG_SIDE): { width: number; height: number; scale: number } {
  if (!(width > 0 && height > 0)) throw new RangeError(`not a picture size: ${width}×${height}`);
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale };
}

/** A photo that is already fine goes as it is: a type the server takes, within the budget, not larger than needed. */
export function sendAsIs(type: string, bytes: number, width: number, height: number, longSide = LONG_SIDE): boolean {
  return SENDABLE.includes(type) && bytes <= BUDGET_BYTES && Math.max(width, height) <= longSide * 1.25;
}

export interface Encoded {
  blob: Blob;
  quality: number;
  /** The size factor applied on top of the target size (1 unless even the lowest quality did not fit). */
  scale: number;
  tries: number;
}

/**
 * Encodes at each quality in turn until the result fits `budget`. If even the lowest quality does not,
 * the picture is made smaller (¾ each round) and tried again, until it fits under `limit` at least.
 */
export async function encodeWithin(
  encode: (quality: number, scale: number) => Promise<Blob>,
  { budget = BUDGET_BYTES, limit = MAX_UPLOAD_BYTES, qualities = QUALITIES as readonly number[], minScale = 0.25 } = {}
): Promise<Encoded> {
  let tries = 0;
  let best = null as Encoded | null;
  for (let scale = 1; scale >= minScale; scale *= 0.75) {
    for (const quality of qualities) {
      const blob = await encode(quality, scale);
      tries++;
      if (!best || blob.size < best.blob.size) best = { blob, quality, scale, tries };
      if (blob.size <= budget) return { blob, quality, scale, tries };
    }
    if (best && best.blob.size <= limit) return { ...best, tries };
  }
  if (best && best.blob.size <= limit) return { ...best, tries };
  throw new RangeError(`the photo stays over ${limit} bytes`);
}

export interface Prepared {
  blob: Blob;
  type: string;
  width: number;
  height: number;
  /** What the camera or the file gave. */
  original: { bytes: number; width: number; height: number; type: string };
  /** False when the file was sent as it was. */
  resized: boolean;
  quality: number | null;
  ms: number;
}

/** The picture could not be decoded (not an image, or a format this browser cannot open, such as HEIC in some). */
export class PhotoDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PhotoDecodeError';
  }
}

type Canvas = OffscreenCanvas | HTMLCanvasElement;

function canvas(width: number, height: number): Canvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

function toJpeg(c: Canvas, quality: number): Promise<Blob> {
  if ('convertToBlob' in c) return c.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('the photo could not be encoded'))), 'image/jpeg', quality));
}

/** Decodes the photo (turned upright from its EXIF), and sends it as it is or downscaled to a JPEG within the budget. */
export async function preparePhoto(file: Blob, now: () => number = () => performance.now()): Promise<Prepared> {
  const started = now();
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (e) {
    throw new PhotoDecodeError((e as Error)?.message || 'not an image');
  }
  const original = { bytes: file.size, width: bitmap.width, height: bitmap.height, type: file.type };
  try {
    if (sendAsIs(file.type, file.size, bitmap.width, bitmap.height)) {
      return { blob: file, type: file.type, width: bitmap.width, height: bitmap.height, original, resized: false, quality: null, ms: now() - started };
    }
    const target = targetSize(bitmap.width, bitmap.height);
    let drawn: { c: Canvas; scale: number } | null = null;
    const draw = (scale: number): Canvas => {
      if (drawn?.scale === scale) return drawn.c;
      const w = Math.max(1, Math.round(target.width * scale));
      const h = Math.max(1, Math.round(target.height * scale));
      const c = canvas(w, h);
      const ctx = c.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
      if (!ctx) throw new PhotoDecodeError('no canvas');
      ctx.fillStyle = '#fff'; // transparency becomes paper-white, as the server's reader does
      ctx.fillRect(0, 0, w, h);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(bitmap, 0, 0, w, h);
      drawn = { c, scale };
      return c;
    };
    const encoded = await encodeWithin((quality, scale) => toJpeg(draw(scale), quality));
    const c = draw(encoded.scale);
    return { blob: encoded.blob, type: 'image/jpeg', width: c.width, height: c.height, original, resized: true, quality: encoded.quality, ms: now() - started };
  } finally {
    bitmap.close();
  }
}

// ---------------------------------------------------------------- upload

export interface UploadAnswer {
  photo_id: string;
  kind: PhotoKind;
  path: string;
  bytes: number;
  width: number;
  height: number;
  created: boolean;
  receipt?: ReceiptStatus;
}

export interface UploadOptions {
  token: () => Promise<string | null>;
  onProgress?: (fraction: number) => void;
  base?: string;
  signal?: AbortSignal;
  /** The request to use (tests pass a fake). */
  xhr?: () => XMLHttpRequest;
  timeoutMs?: number;
}

/** The error an XMLHttpRequest ended with, as the api client's ApiError (status 0: no answer). */
export function errorFromXhr(status: number, text: string, statusText = ''): ApiError {
  let error: Record<string, unknown> | undefined;
  try {
    error = (JSON.parse(text) as { error?: Record<string, unknown> })?.error;
  } catch {
    /* not JSON */
  }
  if (error && typeof error === 'object') {
    return new ApiError(status, typeof error.code === 'string' ? error.code : 'error', typeof error.message === 'string' ? error.message : statusText,
      typeof error.field === 'string' ? error.field : null);
  }
  return new ApiError(status, `http_${status}`, statusText || `HTTP ${status}`);
}

/**
 * POST /api/upload_photo?kind=… with the photo as the raw body and the Firebase ID token, reporting the
 * upload's progress (fetch has no upload progress; XMLHttpRequest does).
 */
export async function uploadPhoto(blob: Blob, kind: PhotoKind, options: UploadOptions): Promise<UploadAnswer> {
  let token: string | null;
  try {
    token = await options.token();
  } catch (e) {
    throw new ApiError(0, 'network', (e as Error)?.message || 'network error');
  }
  const base = options.base ?? '/api';
  return new Promise<UploadAnswer>((resolve, reject) => {
    const xhr = options.xhr ? options.xhr() : new XMLHttpRequest();
    xhr.open('POST', `${base}/upload_photo?kind=${encodeURIComponent(kind)}`);
    xhr.setRequestHeader('Content-Type', blob.type || 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.timeout = options.timeoutMs ?? 120_000;
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) options.onProgress?.(Math.min(1, e.loaded / e.total));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        try {
          resolve(JSON.parse(xhr.responseText) as UploadAnswer);
        } catch {
          reject(new ApiError(xhr.status, 'bad_answer', 'the server answered something unexpected'));
        }
      } else reject(errorFromXhr(xhr.status, xhr.responseText, xhr.statusText));
    };
    const noAnswer = (what: string) => () => reject(new ApiError(0, 'network', what));
    xhr.onerror = noAnswer('network error');
    xhr.ontimeout = noAnswer('the upload took too long');
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}

// ---------------------------------------------------------------- a receipt's reading

export type ReadingStatus = 'uploaded' | 'queued' | 'reading' | 'proposed' | 'failed';

export interface ReceiptStatus {
  photo_id: string;
  status: ReadingStatus;
  attempts?: number;
  proposal_id: string | null;
  error: string | null;
  proposal?: { proposal_id: string; operations: { removed?: boolean }[] } | null;
}

/**
 * Waits between status checks: 1 s, then ×1.25 each time, at most 2.5 s for the first 20 checks (about 45 s:
 * a receipt is usually read in 2–10 s, and each wait adds to what the baker waits), then at most 10 s.
 */
export const pollDelay = (checks: number) => Math.min(1000 * 1.25 ** Math.max(0, checks), checks < 20 ? 2500 : 10_000);

export interface FollowOptions {
  check: () => Promise<ReceiptStatus>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  delay?: (checks: number) => number;
  onStatus?: (status: ReceiptStatus) => void;
  /** Stops following (resolved with the last status) after this long; the reading goes on on the server. */
  giveUpMs?: number;
  now?: () => number;
  signal?: AbortSignal;
  /** Network failures tolerated in a row before giving up (the caller resumes when the network is back). */
  networkTries?: number;
}

export const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new DOMException('aborted', 'AbortError'))), { once: true });
  });

/**
 * Asks receipt_status until the receipt is `proposed` or `failed`, waiting longer between checks
 * (pollDelay). Resolves with the last status: final, or still on its way when `giveUpMs` passed.
 * A refusal (404: not this bakery's receipt) rejects; so do `networkTries` failures in a row.
 */
export async function followReceipt(options: FollowOptions): Promise<ReceiptStatus> {
  const sleep = options.sleep ?? defaultSleep;
  const delay = options.delay ?? pollDelay;
  const now = options.now ?? Date.now;
  const started = now();
  const networkTries = options.networkTries ?? 3;
  let checks = 0;
  let failures = 0;
  let last: ReceiptStatus | null = null;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      last = await options.check();
      failures = 0;
      options.onStatus?.(last);
      if (last.status === 'proposed' || last.status === 'failed') return last;
    } catch (e) {
      if (!(e instanceof ApiError) || !(e.isNetwork || e.status >= 500 || e.status === 429)) throw e;
      if (++failures >= networkTries) throw e;
    }
    if (options.giveUpMs !== undefined && last && now() - started >= options.giveUpMs) return last;
    await sleep(delay(checks++), options.signal);
  }
}

// ---------------------------------------------------------------- in a baker's words

type T = (key: MessageKey, params?: Params) => string;

/** Why a photo did not go, in words a baker can act on. */
export function photoErrorKey(e: unknown): MessageKey {
  if (e instanceof PhotoDecodeError) return 'photo.err.decode';
  if (e instanceof RangeError) return 'photo.err.tooLarge';
  if (e instanceof ApiError) {
    if (e.isNetwork) return 'photo.err.network';
    if (e.status === 413) return 'photo.err.tooLarge';
    if (e.status === 415) return 'photo.err.type';
    if (e.status === 400 && e.field === 'photo') return /pixels/.test(e.message) ? 'photo.err.size' : 'photo.err.damaged';
    if (e.status === 401) return 'photo.err.signin';
    if (e.status === 403) return 'photo.err.forbidden';
    if (e.status >= 500) return 'photo.err.server';
  }
  return 'photo.err.other';
}

export function describePhotoError(e: unknown, t: T): string {
  const key = photoErrorKey(e);
  return t(key, { message: (e as Error)?.message ?? String(e) });
}

/** A photo's size for people: "850 KB", "2.4 MB" (the number formatted by the caller's locale). */
export function sizeText(bytes: number, num: (value: number, digits: number) => string): string {
  return bytes < 1024 * 1024 ? `${num(Math.max(1, Math.round(bytes / 1024)), 0)} KB` : `${num(bytes / (1024 * 1024), 1)} MB`;
}

/** Lines a proposal would record (struck-out lines do not count). */
export function linesToReview(proposal: { operations: { removed?: boolean }[] } | null | undefined): number {
  return proposal?.operations.filter((o) => !o.removed).length ?? 0;
}
