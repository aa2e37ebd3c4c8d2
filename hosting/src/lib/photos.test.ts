import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import {
  BUDGET_BYTES, MAX_UPLOAD_BYTES, encodeWithin, errorFromXhr, followReceipt, linesToReview, photoErrorKey, pollDelay, sendAsIs, targetSize,
  uploadPhoto, PhotoDecodeError, type ReceiptStatus
} from './photos';

const MiB = 1024 * 1024;
const blobOf = (bytes: number) => ({ size: bytes }) as Blob;

describe('targetSize', () => {
  it('brings a 12-megapixel photo to a 2400 px long side, proportions kept', () => {
    expect(targetSize(4000, 3000)).toEqual({ width: 2400, height: 1800, scale: 0.6 });
    expect(targetSize(3024, 4032)).toEqual({ width: 1800, height: 2400, scale: 2400 / 4032 });
  });
  it('never enlarges, and keeps at least a pixel', () => {
    expect(targetSize(800, 600)).toEqual({ width: 800, height: 600, scale: 1 });
    expect(targetSize(20000, 10)).toEqual({ width: 2400, height: 1, scale: 0.12 });
  });
  it('refuses a size that is not one', () => {
    expect(() => targetSize(0, 10)).toThrow(RangeError);
    expect(() => targetSize(Number.NaN, 10)).toThrow(RangeError);
  });
});

describe('sendAsIs', () => {
  it('sends a small JPEG, PNG or WebP as it is', () => {
    expect(sendAsIs('image/jpeg', 900_000, 1600, 1200)).toBe(true);
    expect(sendAsIs('image/webp', BUDGET_BYTES, 3000, 2000)).toBe(true);
  });
  it('re-encodes what is too heavy, too large or of another type', () => {
    expect(sendAsIs('image/jpeg', BUDGET_BYTES + 1, 1600, 1200)).toBe(false);
    expect(sendAsIs('image/png', 2 * MiB, 4000, 3000)).toBe(false);
    expect(sendAsIs('image/heic', 1 * MiB, 1600, 1200)).toBe(false);
    expect(sendAsIs('', 1 * MiB, 1600, 1200)).toBe(false);
  });
});

describe('encodeWithin (quality stepping)', () => {
  it('keeps the first quality that fits the budget', async () => {
    const tried: number[] = [];
    const out = await encodeWithin(async (q) => (tried.push(q), blobOf(q > 0.7 ? 4 * MiB : 2 * MiB)));
    expect(tried).toEqual([0.85, 0.75, 0.65]);
    expect(out.quality).toBe(0.65);
    expect(out.scale).toBe(1);
    expect(out.tries).toBe(3);
  });
  it('takes the smallest under the limit when none fits the budget', async () => {
    const out = await encodeWithin(async (q) => blobOf(Math.round(q * 10 * MiB)));
    expect(out.quality).toBe(0.45);
    expect(out.blob.size).toBeLessThanOrEqual(MAX_UPLOAD_BYTES);
    expect(out.scale).toBe(1);
  });
  it('makes the picture smaller when even the lowest quality is over the limit', async () => {
    const scales: number[] = [];
    const out = await encodeWithin(async (q, s) => (scales.push(s), blobOf(Math.round(20 * MiB * s * s * q))));
    expect(out.scale).toBeLessThan(1);
    expect(out.blob.size).toBeLessThanOrEqual(MAX_UPLOAD_BYTES);
    expect(new Set(scales).size).toBeGreaterThan(1);
  });
  it('gives up with a RangeError when nothing fits', async () => {
    await expect(encodeWithin(async () => blobOf(100 * MiB))).rejects.toThrow(RangeError);
  });
});

describe('followReceipt', () => {
  const status = (s: ReceiptStatus['status'], extra: Partial<ReceiptStatus> = {}): ReceiptStatus => ({ photo_id: 'a'.repeat(32), status: s, proposal_id: null, error: null, ...extra });

  function fake(answers: (() => ReceiptStatus)[]) {
    const waits: number[] = [];
    let clock = 0;
    return {
      waits,
      options: {
        check: async () => {
          const next = answers.shift();
          if (!next) throw new Error('asked too often');
          return next();
        },
        sleep: async (ms: number) => void (waits.push(ms), (clock += ms)),
        now: () => clock
      }
    };
  }

  it('asks with backoff until the proposal is there', async () => {
    const f = fake([() => status('uploaded'), () => status('queued'), () => status('reading'), () => status('proposed', { proposal_id: 'receipt-x' })]);
    const seen: string[] = [];
    const last = await followReceipt({ ...f.options, onStatus: (s) => seen.push(s.status) });
    expect(last.proposal_id).toBe('receipt-x');
    expect(seen).toEqual(['uploaded', 'queued', 'reading', 'proposed']);
    expect(f.waits).toEqual([1000, 1250, 1562.5]);
  });
  it('asks often for the first minute (at most every 2.5 s), then at most every 10 s', () => {
    expect(pollDelay(0)).toBe(1000);
    expect(pollDelay(3)).toBe(1953.125);
    expect(pollDelay(5)).toBe(2500);
    expect(pollDelay(19)).toBe(2500);
    expect(pollDelay(20)).toBe(10_000);
    const first20 = Array.from({ length: 20 }, (_, i) => pollDelay(i)).reduce((a, b) => a + b, 0);
    expect(first20).toBeGreaterThan(40_000);
    expect(first20).toBeLessThan(50_000);
  });
  it('ends on failed with the reason', async () => {
    const f = fake([() => status('reading'), () => status('failed', { error: 'the photo is blank' })]);
    expect((await followReceipt(f.options)).error).toBe('the photo is blank');
  });
  it('rides out a network blip, but not three in a row', async () => {
    const down = () => {
      throw new ApiError(0, 'network', 'Failed to fetch');
    };
    const f = fake([down, () => status('proposed', { proposal_id: 'p' })]);
    expect((await followReceipt(f.options)).status).toBe('proposed');
    const g = fake([down, down, down]);
    await expect(followReceipt(g.options)).rejects.toMatchObject({ status: 0 });
  });
  it('a refusal ends it at once', async () => {
    const f = fake([() => {
      throw new ApiError(404, 'not_found', 'no receipt', 'photo_id');
    }]);
    await expect(followReceipt(f.options)).rejects.toMatchObject({ status: 404 });
  });
  it('stops following after giveUpMs, answering the last status', async () => {
    const f = fake(Array.from({ length: 50 }, () => () => status('reading')));
    const last = await followReceipt({ ...f.options, giveUpMs: 30_000 });
    expect(last.status).toBe('reading');
    expect(f.waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30_000);
  });
});

describe('uploadPhoto', () => {
  class FakeXhr {
    static last: FakeXhr;
    headers: Record<string, string> = {};
    url = '';
    status = 0;
    statusText = '';
    responseText = '';
    responseType = '';
    timeout = 0;
    sent: unknown;
    upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    ontimeout: (() => void) | null = null;
    onabort: (() => void) | null = null;
    constructor() {
      FakeXhr.last = this;
    }
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader(k: string, v: string) {
      this.headers[k] = v;
    }
    send(body: unknown) {
      this.sent = body;
    }
    abort() {
      this.onabort?.();
    }
  }
  const xhr = () => new FakeXhr() as unknown as XMLHttpRequest;
  const photo = new Blob([new Uint8Array(10)], { type: 'image/jpeg' });

  it('sends the raw photo with the ID token and reports progress', async () => {
    const progress: number[] = [];
    const done = uploadPhoto(photo, 'receipt', { token: async () => 'tok', xhr, onProgress: (f) => progress.push(f) });
    await Promise.resolve();
    await Promise.resolve();
    const r = FakeXhr.last;
    expect(r.url).toBe('/api/upload_photo?kind=receipt');
    expect(r.headers.Authorization).toBe('Bearer tok');
    expect(r.headers['Content-Type']).toBe('image/jpeg');
    expect(r.sent).toBe(photo);
    r.upload.onprogress!({ lengthComputable: true, loaded: 5, total: 10 });
    r.status = 200;
    r.responseText = JSON.stringify({ photo_id: 'f'.repeat(32), kind: 'receipt', bytes: 10 });
    r.onload!();
    expect((await done).photo_id).toBe('f'.repeat(32));
    expect(progress).toEqual([0.5, 1]);
  });
  it('turns the functions’ error JSON into an ApiError, and no answer into status 0', async () => {
    const refused = uploadPhoto(photo, 'receipt', { token: async () => 't', xhr });
    await Promise.resolve();
    await Promise.resolve();
    Object.assign(FakeXhr.last, { status: 413, responseText: JSON.stringify({ error: { code: 'too_large', message: 'the photo is over 8 MiB', field: 'photo' } }) });
    FakeXhr.last.onload!();
    await expect(refused).rejects.toMatchObject({ status: 413, code: 'too_large', field: 'photo' });
    const lost = uploadPhoto(photo, 'inventory', { token: async () => 't', xhr });
    await Promise.resolve();
    await Promise.resolve();
    FakeXhr.last.onerror!();
    await expect(lost).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('errors in a baker’s words', () => {
  it('names each refusal', () => {
    expect(photoErrorKey(new ApiError(413, 'too_large', 'x', 'photo'))).toBe('photo.err.tooLarge');
    expect(photoErrorKey(new ApiError(415, 'unsupported_type', 'x', 'photo'))).toBe('photo.err.type');
    expect(photoErrorKey(new ApiError(400, 'invalid', 'the photo is damaged or not really an image', 'photo'))).toBe('photo.err.damaged');
    expect(photoErrorKey(new ApiError(400, 'invalid', 'the photo is 10×10 pixels; each side must be 64 to 12000', 'photo'))).toBe('photo.err.size');
    expect(photoErrorKey(new ApiError(0, 'network', 'Failed to fetch'))).toBe('photo.err.network');
    expect(photoErrorKey(new ApiError(503, 'x', 'y'))).toBe('photo.err.server');
    expect(photoErrorKey(new PhotoDecodeError('bad'))).toBe('photo.err.decode');
    expect(photoErrorKey(new RangeError('too big'))).toBe('photo.err.tooLarge');
  });
  it('reads an error body that is not JSON', () => {
    expect(errorFromXhr(502, '<html>', 'Bad Gateway')).toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway' });
  });
  it('counts the lines left to review', () => {
    expect(linesToReview({ operations: [{}, { removed: true }, {}] })).toBe(2);
    expect(linesToReview(null)).toBe(0);
  });
});
