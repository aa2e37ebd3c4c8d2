import { describe, expect, it } from 'vitest';
import { asUpcA, checkCode, checkDigit, codeFields, expandUpcE, findProducts, storedKeys, validCheckDigit, type Checked } from './barcode';
import { decodeLuminance } from './barcode-zxing';

const ok = (raw: string, format: Parameters<typeof checkCode>[1] = null) => {
  const c = checkCode(raw, format);
  if (!c.ok) throw new Error(`${raw}: ${c.reason}`);
  return c as Extract<Checked, { ok: true }>;
};

describe('check digits', () => {
  it('are the GS1 mod-10 digit', () => {
    expect(checkDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(checkDigit('400638133393')).toBe(1); // EAN-13 4006381333931
    expect(checkDigit('9638507')).toBe(4); // EAN-8 96385074
    expect(validCheckDigit('036000291452')).toBe(true);
    expect(validCheckDigit('0036000291452')).toBe(true); // a leading zero changes nothing
    expect(validCheckDigit('036000291453')).toBe(false);
    expect(validCheckDigit('4006381333931')).toBe(true);
    expect(validCheckDigit('96385074')).toBe(true);
  });

  it('a code is checked: digits, length, check digit', () => {
    expect(checkCode('')).toEqual({ ok: false, reason: 'empty' });
    expect(checkCode('03600029145x')).toEqual({ ok: false, reason: 'digits' });
    expect(checkCode('0360002914')).toEqual({ ok: false, reason: 'length' });
    expect(checkCode('036000291453')).toEqual({ ok: false, reason: 'check' });
    expect(ok(' 0 36000-29145 2 ').code).toBe('036000291452'); // as typed from the print under the bars
  });
});

describe('UPC-A and EAN-13 are one code', () => {
  it('compare as GTIN-14', () => {
    const upcA = ok('036000291452');
    const ean = ok('0036000291452');
    expect(upcA.format).toBe('upc_a');
    expect(upcA.keys).toEqual(['00036000291452']);
    expect(ean.keys).toEqual(upcA.keys);
    expect(ean.format).toBe('upc_a'); // an EAN-13 that starts with 0 is a UPC-A
    expect(ok('0036000291452', 'ean_13').format).toBe('ean_13'); // unless the reader said otherwise
    expect(asUpcA(ean)).toBe('036000291452');
    expect(ok('4006381333931').format).toBe('ean_13');
    expect(asUpcA(ok('4006381333931'))).toBeNull();
  });

  it('UPC-E stands for a UPC-A', () => {
    expect(expandUpcE('04252614')).toBe('042100005264');
    expect(expandUpcE('01234565')).toBe('012345000065');
    expect(expandUpcE('04252615')).toBeNull(); // wrong check digit
    const e = ok('04252614', 'upc_e');
    expect(e.keys).toEqual(['00042100005264']);
    expect(asUpcA(e)).toBe('042100005264');
    expect(ok('96385074').format).toBe('ean_8');
    expect(ok('96385074').keys).toEqual(['00000096385074']);
  });

  it('stored codes are read leniently: leading zeros dropped, check digit left off', () => {
    expect(storedKeys('036000291452')).toEqual(['00036000291452']);
    expect(storedKeys('36000291452')).toContain('00036000291452'); // first zero dropped
    expect(storedKeys('03600029145')).toContain('00036000291452'); // check digit left off
    expect(storedKeys('06414403094')).toContain('00064144030941');
    expect(storedKeys('04252614')).toContain('00042100005264');
    expect(storedKeys('')).toEqual([]);
    expect(storedKeys(null)).toEqual([]);
    expect(storedKeys('000000')).toEqual([]);
    expect(storedKeys('n/a')).toEqual([]);
  });
});

describe('finding the product', () => {
  const products = [
    { id: 'flour~ka', upc: '071012010509', gtin: '' },
    { id: 'sugar~dom', upc: '', gtin: '0049200050705' },
    { id: 'spray~pam', upc: '06414403094', gtin: '' },
    { id: 'old~gone', upc: '036000291452', gtin: '', is_hidden: true },
    { id: 'butter~kg', upc: '', gtin: '4006381333931' },
    { id: 'none', upc: '', gtin: '' }
  ];
  it('by upc or gtin, in any of the forms', () => {
    expect(findProducts(products, ok('0071012010509')).map((p) => p.id)).toEqual(['flour~ka']);
    expect(findProducts(products, ok('049200050705')).map((p) => p.id)).toEqual(['sugar~dom']);
    expect(findProducts(products, ok('064144030941')).map((p) => p.id)).toEqual(['spray~pam']);
    expect(findProducts(products, ok('4006381333931')).map((p) => p.id)).toEqual(['butter~kg']);
  });
  it('not a hidden product, and nothing for an unknown code', () => {
    expect(findProducts(products, ok('036000291452'))).toEqual([]);
    expect(findProducts(products, ok('96385074'))).toEqual([]);
  });
  it('a new product keeps a UPC as upc_code, another EAN as gtin', () => {
    expect(codeFields(ok('0036000291452'))).toEqual({ upc_code: '036000291452', gtin: null });
    expect(codeFields(ok('04252614', 'upc_e'))).toEqual({ upc_code: '042100005264', gtin: null });
    expect(codeFields(ok('4006381333931'))).toEqual({ upc_code: null, gtin: '4006381333931' });
  });
});

// ---------------------------------------------------------------- decoding generated pictures (the fallback decoder)

const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
const R = L.map((c) => [...c].map((b) => (b === '1' ? '0' : '1')).join(''));
const G = R.map((c) => [...c].reverse().join(''));
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

/** The bars of an EAN-13 (a UPC-A is an EAN-13 with a leading 0) or an EAN-8, as 1 (bar) and 0 (space) modules. */
function modules(code: string): string {
  const d = [...code].map(Number);
  if (code.length === 8) return '101' + d.slice(0, 4).map((x) => L[x]).join('') + '01010' + d.slice(4).map((x) => R[x]).join('') + '101';
  const digits = code.length === 12 ? [0, ...d] : d;
  const parity = PARITY[digits[0]];
  const left = digits.slice(1, 7).map((x, i) => (parity[i] === 'L' ? L[x] : G[x])).join('');
  return '101' + left + '01010' + digits.slice(7).map((x) => R[x]).join('') + '101';
}

/** A photo-like grey picture of the code: margins, turned a little, uneven light, blur and noise. */
function picture(code: string, { width = 640, height = 420, module = 3, degrees = 0, blur = 0, noise = 0, counter = false } = {}) {
  const bars = modules(code);
  const bw = bars.length * module;
  const bh = Math.round(height * 0.45);
  const a = (degrees * Math.PI) / 180;
  const [cos, sin] = [Math.cos(a), Math.sin(a)];
  let img = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let ink = 0;
      for (const [sx, sy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) {
        const dx = x + sx - width / 2;
        const dy = y + sy - height / 2;
        const u = dx * cos + dy * sin + bw / 2; // into the barcode's own frame
        const v = -dx * sin + dy * cos + bh / 2;
        if (u >= 0 && u < bw && v >= 0 && v < bh && bars[Math.floor(u / module)] === '1') ink += 0.25;
      }
      const light = 235 - (x / width) * 50 - (y / height) * 20; // a lamp on the left
      const dx = x + 0.5 - width / 2;
      const dy = y + 0.5 - height / 2;
      const u = dx * cos + dy * sin + bw / 2;
      const v = -dx * sin + dy * cos + bh / 2;
      const onLabel = !counter || (u > -12 * module && u < bw + 12 * module && v > -30 && v < bh + 30);
      img[y * width + x] = onLabel ? light - ink * (light - 35) : light * 0.5; // else a dark counter around the label
    }
  }
  for (let pass = 0; pass < blur; pass++) {
    const out = new Float32Array(img.length);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      let s = 0, n = 0;
      for (let j = -1; j <= 1; j++) for (let i = -1; i <= 1; i++) {
        const xx = x + i, yy = y + j;
        if (xx >= 0 && xx < width && yy >= 0 && yy < height) { s += img[yy * width + xx]; n++; }
      }
      out[y * width + x] = s / n;
    }
    img = out;
  }
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const grey = new Uint8ClampedArray(img.length);
  for (let i = 0; i < img.length; i++) grey[i] = img[i] + (random() - 0.5) * 2 * noise;
  return { grey, width, height };
}

describe('the fallback decoder (ZXing) reads generated pictures', () => {
  it('an EAN-13', () => {
    const { grey, width, height } = picture('4006381333931');
    expect(decodeLuminance(grey, width, height)).toEqual({ text: '4006381333931', format: 'ean_13', by: 'fallback' });
  });
  it('a UPC-A, turned 8°, blurred and noisy (read on rows averaged with their neighbours)', () => {
    const { grey, width, height } = picture('036000291452', { degrees: 8, blur: 3, noise: 40, module: 3, width: 900, height: 600 });
    const read = decodeLuminance(grey, width, height);
    expect(read).toEqual({ text: '036000291452', format: 'upc_a', by: 'fallback' });
    expect(findProducts([{ id: 'x', upc: '', gtin: '0036000291452' }], ok(read!.text, read!.format))).toHaveLength(1);
  });
  it('a UPC-A on a label on a dark counter, turned 9°, blurred and noisy (each pixel against its neighbours on the row)', () => {
    const { grey, width, height } = picture('064144030941', { degrees: 9, blur: 6, noise: 50, module: 5, width: 1000, height: 700, counter: true });
    expect(decodeLuminance(grey, width, height)?.text).toBe('064144030941');
  });
  it('an EAN-8', () => {
    const { grey, width, height } = picture('96385074', { module: 4 });
    expect(decodeLuminance(grey, width, height)?.text).toBe('96385074');
  });
  it('nothing in a picture without a code', () => {
    const grey = new Uint8ClampedArray(320 * 200).fill(200);
    expect(decodeLuminance(grey, 320, 200)).toBeNull();
  });
});
