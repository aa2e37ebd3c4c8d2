// The fallback barcode decoder: ZXing's UPC/EAN readers (@zxing/library, a TypeScript port of ZXing, pure JS:
// nothing to fetch, no WebAssembly, so the Content-Security-Policy stays `script-src 'self'`). Imported
// dynamically by ./barcode.ts only when a photo is read without BarcodeDetector: its own chunk.
// Deep imports: the package's index pulls in every format ZXing reads (≈ 450 kB); the UPC/EAN readers alone are a
// small part of that.
import BarcodeFormat from '@zxing/library/esm/core/BarcodeFormat';
import BinaryBitmap from '@zxing/library/esm/core/BinaryBitmap';
import DecodeHintType from '@zxing/library/esm/core/DecodeHintType';
import GlobalHistogramBinarizer from '@zxing/library/esm/core/common/GlobalHistogramBinarizer';
import HybridBinarizer from '@zxing/library/esm/core/common/HybridBinarizer';
import MultiFormatUPCEANReader from '@zxing/library/esm/core/oned/MultiFormatUPCEANReader';
import RGBLuminanceSource from '@zxing/library/esm/core/RGBLuminanceSource';
import { checkCode, type BarcodeFormat as Format, type Read } from './barcode';

const OURS = new Map<BarcodeFormat, Format>([
  [BarcodeFormat.EAN_13, 'ean_13'],
  [BarcodeFormat.UPC_A, 'upc_a'],
  [BarcodeFormat.EAN_8, 'ean_8'],
  [BarcodeFormat.UPC_E, 'upc_e']
]);

const hints = new Map<DecodeHintType, unknown>([
  [DecodeHintType.POSSIBLE_FORMATS, [...OURS.keys()]],
  [DecodeHintType.TRY_HARDER, true]
]);
const reader = new MultiFormatUPCEANReader(hints);

/**
 * A grey image (one byte a pixel, row by row) → the code on it, or null. ZXing reads single pixel rows, where a
 * phone's sensor noise on blurred edges reads as extra thin bars; the rows are first averaged with their
 * neighbours above and below (the bars run up and down, so they stay sharp), then read as they are.
 */
export function decodeLuminance(luminance: Uint8ClampedArray, width: number, height: number, quick = false): Read | null {
  const rows = Math.min(height, 96);
  const attempts: [Uint8ClampedArray, number][] = [[edgeThreshold(sampleRows(luminance, width, height, rows, 4), width, rows), rows]];
  if (!quick) attempts.push([smoothColumns(luminance, width, height, 4), height], [luminance, height]);
  for (const [grey, h] of attempts) {
    const source = new RGBLuminanceSource(grey, width, h);
    // The global histogram suits a barcode on a plain label; the local (hybrid) one, uneven light.
    for (const binarizer of [new GlobalHistogramBinarizer(source), new HybridBinarizer(source)]) {
      try {
        const result = reader.decode(new BinaryBitmap(binarizer), hints);
        const format = OURS.get(result.getBarcodeFormat()) ?? null;
        const text = result.getText();
        if (format && checkCode(text, format).ok) return { text, format, by: 'fallback' };
      } catch {
        // NotFound / Checksum / Format: try the next way
      } finally {
        reader.reset();
      }
    }
  }
  return null;
}

/** `count` rows spread over the picture, each the mean of the `radius` rows above and below it. */
export function sampleRows(grey: Uint8ClampedArray, width: number, height: number, count: number, radius: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * count);
  const sums = new Float64Array(width);
  for (let r = 0; r < count; r++) {
    const y = Math.round(((r + 0.5) * height) / count);
    const from = Math.max(0, y - radius);
    const to = Math.min(height - 1, y + radius);
    sums.fill(0);
    for (let yy = from; yy <= to; yy++) for (let x = 0; x < width; x++) sums[x] += grey[yy * width + x];
    for (let x = 0; x < width; x++) out[r * width + x] = sums[x] / (to - from + 1);
  }
  return out;
}

/**
 * Black or white by the middle of the darkest and lightest pixel near each one on its row (±`reach` px), so a
 * thin space between two bars, blurred to grey, is still white and bars keep their widths; where nothing nearby
 * differs by `contrast`, white (a label's quiet zone, the counter around it).
 */
export function edgeThreshold(grey: Uint8ClampedArray, width: number, height: number, reach = 24, contrast = 48): Uint8ClampedArray {
  const out = new Uint8ClampedArray(grey.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let lo = 255;
      let hi = 0;
      for (let i = Math.max(0, x - reach), end = Math.min(width - 1, x + reach); i <= end; i++) {
        const v = grey[row + i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      out[row + x] = hi - lo >= contrast && grey[row + x] < (hi + lo) / 2 ? 0 : 255;
    }
  }
  return out;
}

/** Each pixel the mean of the `radius` pixels above and below it (a running sum down each column). */
export function smoothColumns(grey: Uint8ClampedArray, width: number, height: number, radius: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(grey.length);
  for (let x = 0; x < width; x++) {
    let sum = 0;
    let n = 0;
    for (let y = 0; y < Math.min(radius, height); y++, n++) sum += grey[y * width + x];
    for (let y = 0; y < height; y++) {
      const add = y + radius;
      const drop = y - radius - 1;
      if (add < height) (sum += grey[add * width + x]), n++;
      if (drop >= 0) (sum -= grey[drop * width + x]), n--;
      out[y * width + x] = sum / n;
    }
  }
  return out;
}

/** RGBA pixels → grey (the usual luma weights). */
export function toLuminance(rgba: Uint8ClampedArray, width: number, height: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height);
  for (let i = 0, j = 0; i < out.length; i++, j += 4) out[i] = (rgba[j] * 77 + rgba[j + 1] * 150 + rgba[j + 2] * 29) >> 8;
  return out;
}

type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
function canvas(width: number, height: number): Canvas2D {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c.getContext('2d', { willReadFrequently: true })!;
}

/** The picture at most `side` px on its long side, turned by `degrees`, as grey pixels. */
function grey(image: ImageBitmap, side: number, degrees: number) {
  const scale = Math.min(1, side / Math.max(image.width, image.height));
  const w = Math.round(image.width * scale);
  const h = Math.round(image.height * scale);
  const a = (degrees * Math.PI) / 180;
  const cw = Math.round(Math.abs(w * Math.cos(a)) + Math.abs(h * Math.sin(a)));
  const ch = Math.round(Math.abs(w * Math.sin(a)) + Math.abs(h * Math.cos(a)));
  const ctx = canvas(cw, ch);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, cw, ch);
  ctx.translate(cw / 2, ch / 2);
  ctx.rotate(a);
  ctx.drawImage(image, -w / 2, -h / 2, w, h);
  return { luminance: toLuminance(ctx.getImageData(0, 0, cw, ch).data, cw, ch), width: cw, height: ch };
}

/**
 * A camera frame → the code on it, quickly (tens of milliseconds: the first way of `decodeLuminance` only, at
 * most 960 px wide), for live scanning where the browser has no BarcodeDetector. The next frame is another try.
 */
export function decodeFrame(video: HTMLVideoElement): Read | null {
  const scale = Math.min(1, 960 / Math.max(video.videoWidth, video.videoHeight));
  const w = Math.round(video.videoWidth * scale);
  const h = Math.round(video.videoHeight * scale);
  if (!w || !h) return null;
  const ctx = canvas(w, h);
  ctx.drawImage(video, 0, 0, w, h);
  return decodeLuminance(toLuminance(ctx.getImageData(0, 0, w, h).data, w, h), w, h, true);
}

/**
 * A photo → the code on it. ZXing reads a 1D code along pixel rows, so a photo is tried as taken and turned
 * (a code held upright, or a few degrees askew), at two sizes (a smaller copy also evens out blur and noise).
 */
export async function decodeBitmap(image: ImageBitmap): Promise<Read | null> {
  for (const side of [1600, 800]) {
    for (const degrees of [0, 90, -10, 10, -20, 20, 80, 100]) {
      const { luminance, width, height } = grey(image, side, degrees);
      const read = decodeLuminance(luminance, width, height);
      if (read) return read;
      await new Promise((done) => setTimeout(done)); // let the screen breathe between tries
    }
  }
  return null;
}
