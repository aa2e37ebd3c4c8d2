// Barcodes on packages (EAN-13, UPC-A, EAN-8, UPC-E): the check digit, one form to compare them in (GTIN-14),
// finding the bakery's product by its `upc` or `gtin`, and reading a code from a camera frame or a photo.
//
// Reading: the browser's BarcodeDetector where it has one that knows these formats (Chrome on Android, macOS);
// elsewhere (Firefox, Safari, Chrome on Linux/Windows) ZXing's UPC/EAN readers (@zxing/library, pure JS),
// imported only when a photo needs them (./barcode-zxing.ts), so the app's first load does not grow.
// Tests set `window.__btNoBarcodeDetector = true` to force the fallback; `window.__btBarcodeRead` tells who read a code.

export type BarcodeFormat = 'ean_13' | 'upc_a' | 'ean_8' | 'upc_e';
export const FORMATS: BarcodeFormat[] = ['ean_13', 'upc_a', 'ean_8', 'upc_e'];

/** A code read (or typed): the digits as printed, the format when a reader named it, and who read it. */
export interface Read {
  text: string;
  format: BarcodeFormat | null;
  by: 'detector' | 'fallback' | 'typed';
}

/** The GS1 check digit of the digits before it (weights 3,1,3,… from the right). */
export function checkDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += Number(body[i]) * w;
  return (10 - (sum % 10)) % 10;
}

/** The last digit is the check digit of the others (leading zeros do not change it). */
export function validCheckDigit(code: string): boolean {
  return /^\d{2,18}$/.test(code) && checkDigit(code.slice(0, -1)) === Number(code.at(-1));
}

/** UPC-E (8 digits: number system 0/1, six digits, check) → the UPC-A it stands for, or null. */
export function expandUpcE(code: string): string | null {
  if (!/^[01]\d{7}$/.test(code)) return null;
  const [ns, d, check] = [code[0], code.slice(1, 7), code[7]];
  const last = d[5];
  let body: string;
  if (last <= '2') body = `${d[0]}${d[1]}${last}0000${d[2]}${d[3]}${d[4]}`;
  else if (last === '3') body = `${d[0]}${d[1]}${d[2]}00000${d[3]}${d[4]}`;
  else if (last === '4') body = `${d[0]}${d[1]}${d[2]}${d[3]}00000${d[4]}`;
  else body = `${d[0]}${d[1]}${d[2]}${d[3]}${d[4]}0000${last}`;
  const upcA = `${ns}${body}${check}`;
  return validCheckDigit(upcA) ? upcA : null;
}

const gtin14 = (digits: string) => digits.padStart(14, '0');

export type Checked =
  | { ok: true; code: string; format: BarcodeFormat; keys: string[] }
  | { ok: false; reason: 'empty' | 'digits' | 'length' | 'check' };

/**
 * A code as read or typed, checked: digits only (spaces and dashes dropped), 8, 12, 13 or 14 long, the check digit
 * right. `keys` are the GTIN-14 forms to compare with products' codes: UPC-A "036000291452" and EAN-13
 * "0036000291452" are both "00036000291452"; a UPC-E is compared as the UPC-A it stands for.
 */
export function checkCode(raw: string, format: BarcodeFormat | null = null): Checked {
  const code = raw.replace(/[\s-]/g, '');
  if (!code) return { ok: false, reason: 'empty' };
  if (!/^\d+$/.test(code)) return { ok: false, reason: 'digits' };
  if (code.length === 8) {
    const upcA = expandUpcE(code);
    const ean8 = validCheckDigit(code);
    if (format === 'upc_e' || (!ean8 && upcA)) return upcA ? { ok: true, code, format: 'upc_e', keys: [gtin14(upcA)] } : { ok: false, reason: 'check' };
    if (!ean8) return { ok: false, reason: 'check' };
    // Typed 8 digits that are right both ways: either may be on the package.
    return { ok: true, code, format: 'ean_8', keys: format === 'ean_8' || !upcA ? [gtin14(code)] : [gtin14(code), gtin14(upcA)] };
  }
  if (![12, 13, 14].includes(code.length)) return { ok: false, reason: 'length' };
  if (!validCheckDigit(code)) return { ok: false, reason: 'check' };
  const isUpcA = code.length === 12 || (code.length === 13 && code[0] === '0');
  return { ok: true, code, format: isUpcA && format !== 'ean_13' ? 'upc_a' : 'ean_13', keys: [gtin14(code)] };
}

/** The code as a UPC-A when it is one (12 digits, also written as EAN-13 with a leading 0), else null. */
export function asUpcA(checked: Extract<Checked, { ok: true }>): string | null {
  if (checked.format === 'upc_e') return checked.keys[0].slice(2);
  const k = checked.keys[0];
  return checked.code.length >= 12 && k.startsWith('00') ? k.slice(2) : null;
}

/**
 * The GTIN-14 forms a product's stored `upc` or `gtin` may mean. Stored codes come from people and old
 * spreadsheets: leading zeros dropped ("36000291452"), the check digit left off ("06414403094" for
 * 064144030941), a UPC-E. A code whose check digit is right is taken as it is; one that is not right, or is
 * 11 digits long (a UPC-A without its first or its last digit), is also taken with its check digit added.
 */
export function storedKeys(stored: string | null | undefined): string[] {
  const d = String(stored ?? '').replace(/[\s-]/g, '');
  if (!/^\d{6,14}$/.test(d) || /^0+$/.test(d)) return [];
  const keys = new Set<string>();
  const valid = validCheckDigit(d);
  if (valid) keys.add(gtin14(d));
  if ((!valid || d.length === 11) && d.length <= 13) keys.add(gtin14(d + checkDigit(d)));
  if (d.length === 8) {
    const upcA = expandUpcE(d);
    if (upcA) keys.add(gtin14(upcA));
  }
  return [...keys];
}

export interface Coded {
  id: string;
  upc?: string | null;
  gtin?: string | null;
  is_hidden?: boolean;
}

/** The products (not hidden) whose `upc` or `gtin` is the code checked. */
export function findProducts<P extends Coded>(products: P[], checked: Extract<Checked, { ok: true }>): P[] {
  const wanted = new Set(checked.keys);
  return products.filter((p) => !p.is_hidden && [...storedKeys(p.upc), ...storedKeys(p.gtin)].some((k) => wanted.has(k)));
}

/** Where a new product keeps a scanned code: a UPC (UPC-A, UPC-E, or EAN-13 starting with 0) as its 12-digit
 *  `upc_code`, any other EAN as `gtin` (the desktop format's names). */
export function codeFields(checked: Extract<Checked, { ok: true }>): { upc_code: string | null; gtin: string | null } {
  const upc = asUpcA(checked);
  return upc ? { upc_code: upc, gtin: null } : { upc_code: null, gtin: checked.code };
}

// ------------------------------------------------------------------------------------ reading in the browser

declare global {
  interface Window {
    /** Tests: behave as a browser without BarcodeDetector (the fallback decoder reads photos). */
    __btNoBarcodeDetector?: boolean;
    /** The last code read from the camera or a photo, and by which reader (for tests and a curious person's console). */
    __btBarcodeRead?: Read | null;
  }
}

interface DetectedBarcode {
  rawValue: string;
  format: string;
}
interface Detector {
  detect(source: ImageBitmapSource): Promise<DetectedBarcode[]>;
}
type DetectorCtor = { new (options: { formats: string[] }): Detector; getSupportedFormats(): Promise<string[]> };

let detector: Promise<Detector | null> | null = null;

/** The browser's BarcodeDetector for our formats, or null where there is none (or it knows none of them). */
export function barcodeDetector(): Promise<Detector | null> {
  detector ??= (async () => {
    if (typeof window === 'undefined' || window.__btNoBarcodeDetector) return null;
    const Ctor = (window as unknown as { BarcodeDetector?: DetectorCtor }).BarcodeDetector;
    if (!Ctor) return null;
    try {
      const supported = await Ctor.getSupportedFormats();
      const formats = FORMATS.filter((f) => supported.includes(f));
      return formats.length ? new Ctor({ formats }) : null;
    } catch {
      return null;
    }
  })();
  return detector;
}

const asFormat = (f: string | null | undefined): BarcodeFormat | null => (FORMATS as string[]).includes(f ?? '') ? (f as BarcodeFormat) : null;

/** The first of our codes a detector sees in a frame or picture whose check digit is right. */
export async function detectWith(d: Detector, source: ImageBitmapSource): Promise<Read | null> {
  const found = await d.detect(source);
  for (const b of found) {
    const format = asFormat(b.format);
    if (format && checkCode(b.rawValue, format).ok) return { text: b.rawValue, format, by: 'detector' };
  }
  return null;
}

/** The fallback decoder's module (loaded once, on first use). */
export const loadFallback = () => import('./barcode-zxing');

/** A photo of a barcode → the code on it, by BarcodeDetector where the browser has one, else by the fallback. */
export async function readPhoto(file: Blob): Promise<Read | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const d = await barcodeDetector();
    return (d && (await detectWith(d, bitmap).catch(() => null))) || (await (await loadFallback()).decodeBitmap(bitmap));
  } finally {
    bitmap.close();
  }
}
