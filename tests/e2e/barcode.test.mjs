// End-to-end: barcode capture (issue 11) on the whole local stack.
//
//   node --test tests/e2e/barcode.test.mjs        (after the build; starts its own stack, see support.mjs)
//
// The browser is made one without BarcodeDetector (an init script removes it, as Firefox and Safari are), so
// every photo here is read by the fallback decoder (ZXing, loaded on demand). The photos are made in the page:
// a barcode drawn on a label with a margin, turned a few degrees, on an unevenly lit background, blurred and
// noisy, saved as PNG and chosen in the file input as a person would choose a photo.
//
// A known code (the sample's PAM spray, whose UPC the desktop data keeps without its check digit) opens that
// product's quick purchase, and the purchase is recorded; an unknown code offers to create the product, which
// is created with the code and then bought. A typed code with a wrong check digit is refused. Live scanning:
// a second Chromium whose fake camera plays such a picture (a one-frame Y4M), read frame by frame by the
// fallback.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHROMIUM, PASSWORD, PHONE, RUN, SAMPLE, SHOTS, api, checkScreen, chromium, createBakery, idToken,
  launchChromium, problems, purchases, screens, signUp, stack, startWith, stopStack, until, visit, watch
} from './support.mjs';

const OWNER = `barcode-${RUN}@e2e.test`;
const PAM_UPC = '064144030941'; // stored in the sample as "06414403094" (no check digit)
const UNKNOWN_EAN = '4006381333931';
let browser;
let page;
const scratch = mkdtempSync(join(tmpdir(), 'baketracker-e2e-barcode-'));
const state = { token: '', tenant: '', pam: '' };

/** The bars of an EAN-13 (a UPC-A is one with a leading 0): '1' bar, '0' space. */
function modules(code) {
  const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011'];
  const R = L.map((c) => [...c].map((b) => (b === '1' ? '0' : '1')).join(''));
  const G = R.map((c) => [...c].reverse().join(''));
  const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];
  const d = [...(code.length === 12 ? '0' + code : code)].map(Number);
  const left = d.slice(1, 7).map((x, i) => (PARITY[d[0]][i] === 'L' ? L[x] : G[x])).join('');
  return '101' + left + '01010' + d.slice(7).map((x) => R[x]).join('') + '101';
}

/** A photo-like PNG of the code, drawn in the page (canvas): label, margin, turned, blurred, noisy. */
async function photo(code, degrees, W = 1200, H = 900) {
  const dataUrl = await page.evaluate(
    ([bars, text, degrees, W, H]) => {
      const m = 5;
      const c = document.createElement('canvas');
      c.width = W;
      c.height = H;
      const g = c.getContext('2d');
      const light = g.createLinearGradient(0, 0, W, H);
      light.addColorStop(0, '#b9a58a'); // a wooden counter, lit from the top left
      light.addColorStop(1, '#5e4b36');
      g.fillStyle = light;
      g.fillRect(0, 0, W, H);
      g.translate(W / 2 + 30, H / 2 - 20);
      g.rotate((degrees * Math.PI) / 180);
      const bw = bars.length * m;
      g.fillStyle = '#f4f1ea'; // the label, with a quiet zone around the bars
      g.fillRect(-bw / 2 - 60, -190, bw + 120, 400);
      g.fillStyle = '#1d1d1f';
      for (let i = 0; i < bars.length; i++) if (bars[i] === '1') g.fillRect(-bw / 2 + i * m, -150, m, 290);
      g.font = '40px monospace';
      g.textAlign = 'center';
      g.fillText(text, 0, 195);
      const out = document.createElement('canvas');
      out.width = W;
      out.height = H;
      const o = out.getContext('2d');
      o.filter = 'blur(2px)';
      o.drawImage(c, 0, 0);
      const img = o.getImageData(0, 0, W, H);
      let seed = 7;
      for (let i = 0; i < img.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const n = ((seed / 0x7fffffff) - 0.5) * 50;
        img.data[i] += n;
        img.data[i + 1] += n;
        img.data[i + 2] += n;
      }
      o.putImageData(img, 0, 0);
      return out.toDataURL('image/png');
    },
    [modules(code), code, degrees, W, H]
  );
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

async function openBarcode() {
  await page.getByRole('button', { name: 'Capture' }).click();
  await page.getByTestId('capture-way-barcode').click();
  await page.getByTestId('barcode-capture').waitFor();
}

async function choosePhoto(name, png) {
  await page.getByTestId('barcode-photo').setInputFiles({ name, mimeType: 'image/png', buffer: png });
}

before(async () => {
  browser = await startWith(launchChromium());
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US', deviceScaleFactor: 1 });
  // A browser without BarcodeDetector: photos are read by the fallback decoder.
  await context.addInitScript(() => {
    delete window.BarcodeDetector;
    window.__btNoBarcodeDetector = true;
  });
  await watch(context, 'owner');
  page = await context.newPage();
});

after(async () => {
  await browser?.close().catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
  await stopStack();
  console.log(`e2e barcode: ${screens.length} screens checked for CSP violations and console errors: ${[...new Set(screens)].join(', ')}`);
});

test('a baker with the desktop sample (imported through the API)', async () => {
  await signUp(page, OWNER);
  await createBakery(page, `Barcode Bakery ${RUN}`);
  state.token = await idToken(OWNER);
  const data = JSON.parse(readFileSync(SAMPLE, 'utf8'));
  const r = await api('import_desktop', { data }, state.token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  state.tenant = (await api('get_bakery', {}, state.token)).body.tenant_id;
  assert.ok(state.tenant);
  const desk = (await api('export_desktop', {}, state.token)).body;
  const pam = desk.products.find((p) => p.brand === 'PAM');
  assert.equal(pam.upc_code, '06414403094', 'the sample keeps the PAM UPC without its check digit');
  state.pam = pam.id;
  assert.ok(state.pam, JSON.stringify(pam));
});

test('a photo of a known UPC, read by the fallback decoder, opens that product\'s quick purchase; the purchase is recorded', async () => {
  assert.ok(state.pam, 'needs the sample');
  await visit(page, '/', () => page.getByRole('heading', { name: 'Home', level: 1 }).waitFor(), 'home (before barcode)');
  assert.equal(await page.evaluate(() => typeof window.BarcodeDetector), 'undefined');
  await openBarcode();
  await choosePhoto('pam.png', await photo(PAM_UPC, 9));
  await page.waitForURL((u) => u.pathname === '/purchases' && u.searchParams.get('product') === state.pam, { timeout: 30_000 });
  const read = await page.evaluate(() => window.__btBarcodeRead);
  assert.deepEqual(read, { text: PAM_UPC, format: 'upc_a', by: 'fallback' });
  await until('the PAM product is chosen', async () => (await page.inputValue('#p-pick')) === state.pam);
  assert.match(await page.locator('#p-pick option:checked').textContent(), /PAM Original No-Stick Cooking Spray/);
  checkScreen(page, 'purchases (from a barcode)');
  const before = (await purchases(state.tenant, state.token)).length;
  await page.fill('#p-price', '6.49');
  await page.getByRole('button', { name: 'Save purchase' }).click();
  await page.getByText('Saved: 1 × PAM').waitFor();
  const all = await purchases(state.tenant, state.token);
  assert.equal(all.length, before + 1);
  assert.equal(all.filter((p) => p.product_id === state.pam).length, 1, 'one purchase of the scanned product');
  checkScreen(page, 'purchases (saved from a barcode)');
});

test('a typed code with a wrong check digit is refused; an unknown code offers to create the product, which is then bought', async () => {
  assert.ok(state.pam, 'needs the sample');
  await visit(page, '/', () => page.getByRole('heading', { name: 'Home', level: 1 }).waitFor(), 'home (before unknown barcode)');
  await openBarcode();
  await page.fill('#bc-digits', '4006381333932');
  await page.getByRole('button', { name: 'Look up' }).click();
  await page.getByText('The last digit does not fit the others').waitFor();
  await choosePhoto('unknown.png', await photo(UNKNOWN_EAN, -14));
  await page.getByTestId('barcode-unknown').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('barcode-code').textContent(), '4 006381 333931');
  assert.deepEqual(await page.evaluate(() => window.__btBarcodeRead), { text: UNKNOWN_EAN, format: 'ean_13', by: 'fallback' });
  checkScreen(page, 'barcode: unknown code');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'capture-barcode-phone.png'), animations: 'disabled' });
  await page.getByTestId('barcode-create').click();
  await page.getByTestId('barcode-create-form').waitFor();
  await page.locator('#bc-ing option[value="cornstarch"]').waitFor({ state: 'attached' });
  await page.selectOption('#bc-ing', 'cornstarch');
  await page.fill('#bc-brand', 'Mondamin');
  await page.fill('#bc-name', `Speisestärke ${RUN}`);
  await page.fill('#bc-size', '400');
  await page.fill('#bc-unit', 'g');
  checkScreen(page, 'barcode: create the product');
  await page.getByRole('button', { name: 'Save and record a purchase' }).click();
  await page.waitForURL((u) => u.pathname === '/purchases' && !!u.searchParams.get('product'), { timeout: 30_000 });
  const id = new URL(page.url()).searchParams.get('product');
  const made = (await api('export_desktop', {}, state.token)).body.products.find((p) => p.id === id);
  assert.equal(made.gtin, UNKNOWN_EAN, JSON.stringify(made));
  assert.equal(made.brand, 'Mondamin');
  await until('the new product is chosen', async () => (await page.inputValue('#p-pick')) === id);
  await page.fill('#p-price', '1,29');
  await page.getByRole('button', { name: 'Save purchase' }).click();
  await page.getByText('Saved: 1 × Mondamin').waitFor();
  assert.equal((await purchases(state.tenant, state.token)).filter((p) => p.product_id === id).length, 1);
  checkScreen(page, 'purchases (new product from a barcode)');
  assert.deepEqual(problems, []);
});

test('an unknown code added to a product the bakery has (its catalog came without barcodes) opens that product\'s quick purchase', async () => {
  assert.ok(state.pam, 'needs the sample');
  const code = '012345678905';
  const argo = (await api('export_desktop', {}, state.token)).body.products.find((p) => p.brand === 'Argo' && p.ingredient_slug === 'cornstarch');
  assert.ok(argo && !argo.upc_code, JSON.stringify(argo));
  await visit(page, '/', () => page.getByRole('heading', { name: 'Home', level: 1 }).waitFor(), 'home (before adding a barcode)');
  await openBarcode();
  await choosePhoto('argo.png', await photo(code, 3));
  await page.getByTestId('barcode-attach').click();
  await page.locator(`#bc-attach option[value="${argo.id}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#bc-attach', argo.id);
  checkScreen(page, 'barcode: add to a product');
  await page.getByRole('button', { name: 'Add the barcode and record a purchase' }).click();
  await page.waitForURL((u) => u.pathname === '/purchases' && u.searchParams.get('product') === argo.id, { timeout: 30_000 });
  const after = (await api('export_desktop', {}, state.token)).body.products.find((p) => p.id === argo.id);
  assert.equal(after.upc_code, code);
  assert.equal(after.product_name, argo.product_name, 'the rest of the product is kept');
  assert.equal(after.package_unit_quantity, argo.package_unit_quantity);
  await until('the Argo product is chosen', async () => (await page.inputValue('#p-pick')) === argo.id);
  checkScreen(page, 'purchases (barcode added to a product)');
});

/** A picture as a one-frame Y4M video (grey: Y from the picture, U and V flat), for Chromium's fake camera. */
async function y4m(png, W, H) {
  const grey = await page.evaluate(async ([b64, W, H]) => {
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }));
    const c = new OffscreenCanvas(W, H);
    const g = c.getContext('2d');
    g.drawImage(bitmap, 0, 0, W, H);
    const d = g.getImageData(0, 0, W, H).data;
    const y = new Array(W * H);
    for (let i = 0; i < y.length; i++) y[i] = Math.round(0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]);
    return y;
  }, [png.toString('base64'), W, H]);
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F15:1 Ip A1:1 C420jpeg\nFRAME\n`);
  return Buffer.concat([header, Buffer.from(grey), Buffer.alloc((W / 2) * (H / 2) * 2, 128)]);
}

test('live from the camera without BarcodeDetector: the fallback reads frames and opens the product\'s quick purchase', async () => {
  assert.ok(state.pam, 'needs the sample');
  const video = join(scratch, 'pam.y4m');
  writeFileSync(video, await y4m(await photo(PAM_UPC, -6, 1280, 720), 1280, 720));
  const camera = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]
  });
  try {
    const context = await camera.newContext({ viewport: PHONE, locale: 'en-US', permissions: ['camera'] });
    await context.addInitScript(() => {
      delete window.BarcodeDetector;
      window.__btNoBarcodeDetector = true;
    });
    await watch(context, 'live');
    const phone = await context.newPage();
    await phone.goto(stack.url + '/');
    await phone.waitForURL('**/signin');
    await phone.fill('#email', OWNER);
    await phone.fill('#password', PASSWORD);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await phone.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    checkScreen(phone, 'home (camera phone)');
    await phone.getByRole('button', { name: 'Capture' }).click();
    await phone.getByTestId('capture-way-barcode').click();
    await phone.getByTestId('barcode-live').click();
    await phone.waitForURL((u) => u.pathname === '/purchases' && u.searchParams.get('product') === state.pam, { timeout: 30_000 });
    assert.deepEqual(await phone.evaluate(() => window.__btBarcodeRead), { text: PAM_UPC, format: 'upc_a', by: 'fallback' });
    await until('the PAM product is chosen', async () => (await phone.inputValue('#p-pick')) === state.pam);
    checkScreen(phone, 'purchases (from the camera)');
  } finally {
    await camera.close();
  }
});
