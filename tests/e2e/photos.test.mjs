// End-to-end: receipt and shelf photos in the app (issue 11), on the whole local stack.
//
//   node --test tests/e2e/photos.test.mjs        (after the build; starts its own stack on free ports)
//
// Receipts are the synthetic ones the OCR tests use (tests/support/receipt_images.py), rendered here with the
// repository's Python; the local stack reads them with the offline extractor (Tesseract) through the same path
// as production: upload_photo → storage event → Cloud Tasks emulator → extract_receipt → a proposal.
// Scenarios: (a) a receipt chosen from the files is followed until its proposal opens, one line is edited and
// one struck out, confirmed, and the lots are there; (b) a 12-megapixel PNG over the 8 MiB limit is made
// smaller in the browser (the figures are printed) and accepted, with the progress bar shown on a slow
// upload; (c) a shelf photo with what the baker says proposes a stock level; (d) a receipt chosen offline
// waits on the phone, survives a reload, and is read once back online ("Receipt read — N items to review").

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PHONE, REPO, RUN, SAMPLE, SHOTS, api, checkScreen, claims, cli, createBakery, firestoreDocs, idToken,
  launchPersistent, net, screens, signUp, stack, startWith, stopStack, until, visit, watch
} from './support.mjs';

const OWNER = `photos-${RUN}@e2e.test`;
const profile = mkdtempSync(join(tmpdir(), 'baketracker-e2e-photos-'));
const images = mkdtempSync(join(tmpdir(), 'baketracker-e2e-images-'));
let owner; // { context, page }
const state = { token: '', tenant: '' };
const timings = [];

/** Renders the test pictures with the repository's generators (the same the Python OCR tests use). */
async function renderImages() {
  const script = `
import io, json, os, random, sys
sys.path.insert(0, ${JSON.stringify(REPO)})
from PIL import Image
from tests.support.receipt_images import synthetic_receipt
from tests.support.inventory_images import inventory_photo
out = sys.argv[1]
expected = {}
for name, seed in (("receipt-a", 7), ("receipt-d", 11)):
    r = synthetic_receipt(seed, clean=True)
    open(os.path.join(out, name + ".png"), "wb").write(r.data)
    expected[name] = [e.item_name for e in r.expected]
# (b) a 12-megapixel phone-sized photo over the 8 MiB limit: a receipt on a noisy table, as a PNG
r = synthetic_receipt(21, clean=True)
paper = Image.open(io.BytesIO(r.data)).convert("RGB")
rng = random.Random(5)
noise = Image.frombytes("RGB", (4000, 3000), rng.randbytes(4000 * 3000 * 3))
table = Image.blend(Image.new("RGB", (4000, 3000), (120, 110, 100)), noise, 0.25)
scale = 2800 / paper.size[1]
paper = paper.resize((int(paper.size[0] * scale), 2800), Image.Resampling.LANCZOS)
table.paste(paper, ((4000 - paper.size[0]) // 2, 100))
table.save(os.path.join(out, "big-12mp.png"), "PNG")
open(os.path.join(out, "shelf.png"), "wb").write(inventory_photo(9).data)
# (e) no receipt at all: an empty wooden table
Image.blend(Image.new("RGB", (1200, 900), (150, 110, 70)), Image.frombytes("RGB", (1200, 900), rng.randbytes(1200 * 900 * 3)), 0.1).save(os.path.join(out, "table.png"), "PNG")
print(json.dumps(expected))
`;
  const { stdout } = await cli(join(REPO, '.venv', 'bin', 'python'), ['-c', script, images], { cwd: REPO, timeout: 120_000, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop());
}

async function firestoreList(path, token) {
  const all = [];
  let pageToken = '';
  do {
    const r = await fetch(`${firestoreDocs(path)}?pageSize=300${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200, await r.clone().text());
    const body = await r.json();
    all.push(...(body.documents ?? []).map((d) => ({ id: d.name.split('/').pop(), fields: d.fields })));
    pageToken = body.nextPageToken ?? '';
  } while (pageToken);
  return all;
}

/** On a failure: what the screen said, to read in the test's output. */
async function explain(page, e) {
  const text = await page.locator('body').innerText().catch(() => '');
  await page.screenshot({ path: join(tmpdir(), `photos-e2e-failure-${Date.now()}.png`) }).catch(() => {});
  e.message += `\n--- the screen (${page.url()}):\n${text.slice(0, 1500)}\n--- the stack, on receipts:\n${receiptLog()}`;
  throw e;
}

const phoneShot = async (page, name) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), animations: 'disabled' });
};

async function openCapture(page, way) {
  await page.getByRole('button', { name: 'Capture' }).click();
  await page.getByTestId(`capture-way-${way}`).click();
}


/** (b)'s upload: the photo chosen, its downscale measured, the progress bar seen and photographed. */
async function bigUpload(page, file, answered) {
  const original = statSync(file).size;
  await page.setInputFiles('#receipt-file', file);
  const size = page.getByTestId('photo-size');
  await size.waitFor({ timeout: 60_000 });
  const before = Number(await size.getAttribute('data-before'));
  const after = Number(await size.getAttribute('data-after'));
  const ms = Number(await size.getAttribute('data-ms'));
  const [w, h] = [await size.getAttribute('data-width'), await size.getAttribute('data-height')];
  timings.push(`e2e timing: downscale of a 12-MP photo (4000×3000 PNG) in the browser: ${(before / 2 ** 20).toFixed(2)} MiB → ${(after / 2 ** 20).toFixed(2)} MiB (${w}×${h} JPEG) in ${ms} ms`);
  assert.equal(before, original);
  assert.ok(after < 8 * 1024 * 1024 && after < before / 3, `made smaller: ${before} → ${after}`);
  const progress = page.locator('[data-testid=receipt-state][data-state=uploading] progress');
  await progress.waitFor({ timeout: 30_000 }).catch((e) => explain(page, e));
  await until('the upload is under way', async () => Number(await progress.getAttribute('value').catch(() => 0)) > 0.15, 30_000).catch(() => {});
  await phoneShot(page, 'capture-receipt');
  return { response: await answered, after };
}

let expected;

before(async () => {
  const rendering = renderImages();
  const context = await startWith(launchPersistent(profile));
  await watch(context, 'owner');
  owner = { context, page: context.pages()[0] ?? (await context.newPage()) };
  expected = await rendering;
});

/** The stack's lines about receipts, for a failed run's output. */
const receiptLog = () => stack.output.split('\n').filter((l) => /receipt|extract|task|Traceback|Error/i.test(l)).slice(-40).join('\n');

after(async () => {
  if (process.exitCode) console.log(`stack log (receipts):\n${receiptLog()}`);
  await owner?.context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  rmSync(images, { recursive: true, force: true });
  await stopStack();
  for (const line of timings) console.log(line);
  console.log(`e2e (photos): ${screens.length} screens checked for CSP violations and console errors: ${[...new Set(screens)].join(', ')}`);
});

test('a baker signs up, creates a bakery and imports the desktop sample (through the API)', async () => {
  const { page } = owner;
  await signUp(page, OWNER);
  await createBakery(page, 'E2E Photo Bakery');
  state.token = await idToken(OWNER);
  state.tenant = claims(state.token).tenant_id;
  assert.ok(state.tenant);
  const imported = await api('import_desktop', { data: JSON.parse(readFileSync(SAMPLE, 'utf8')) }, state.token);
  assert.equal(imported.status, 200, JSON.stringify(imported.body).slice(0, 500));
  // A reload once online, so that the service worker controls the page (the offline scenario reloads offline).
  await until('a service worker is active', () => page.evaluate(() => navigator.serviceWorker?.getRegistration().then((r) => !!r?.active)), 30_000);
  await page.reload();
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
  assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'a service worker controls the page');
  checkScreen(page, 'home (photos)');
});

test('(a) a receipt from the file chooser is read into a proposal; one line edited, one struck out, confirmed; the lots are there', async () => {
  const { page } = owner;
  const lotsBefore = await firestoreList(`tenants/${state.tenant}/lots`, state.token);
  await visit(page, '/', () => page.getByRole('heading', { name: 'Home', level: 1 }).waitFor(), 'home (before receipt)');
  await openCapture(page, 'receipt');
  checkScreen(page, 'capture sheet (receipt)');
  // Not a picture: refused on the phone, in words, before anything is sent.
  await page.setInputFiles('#receipt-file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('flour 2 lb, sugar 1 lb') });
  await page.getByTestId('photo-error').getByText('This file is not a photo the app can open').waitFor();
  const started = Date.now();
  await page.setInputFiles('#receipt-file', join(images, 'receipt-a.png'));
  await page.waitForURL('**/proposals/receipt-*', { timeout: 60_000 }).catch((e) => explain(page, e));
  const seconds = (Date.now() - started) / 1000;
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  const scan = (await api('receipt_status', { photo_id: id.replace(/^receipt-/, '') }, state.token)).body;
  const server = (Date.parse(scan.updated_at) - Date.parse(scan.uploaded_at)) / 1000;
  timings.push(`e2e timing: receipt upload → proposal ready: ${seconds.toFixed(1)} s in the app (choose → review screen open); on the server ${server.toFixed(1)} s (upload stored → proposal saved, offline extractor: Tesseract)`);
  await page.getByRole('heading', { name: 'Review', level: 1 }).waitFor();
  await page.locator('[data-testid=op-0]').waitFor();
  const cards = await page.locator('article.op').count();
  assert.equal(cards, expected['receipt-a'].length, `one card per receipt line (${expected['receipt-a'].join(', ')})`);
  const proposal = (await api('list_proposals', { limit: 20 }, state.token)).body.proposals.find((p) => p.proposal_id === id);
  assert.equal(proposal?.source, 'receipt');
  // One line's price is corrected (50 cents more), another line is struck out: two lines of different ingredients.
  const ops = proposal.operations;
  const butter = ops.findIndex((o) => o.args.ingredient_slug && typeof o.proposed.price === 'number');
  const yeast = ops.findIndex((o, i) => i !== butter && o.args.ingredient_slug && o.args.ingredient_slug !== ops[butter].args.ingredient_slug);
  assert.ok(butter >= 0 && yeast >= 0, `two lines resolved to different ingredients: ${JSON.stringify(ops.map((o) => o.args))}`);
  const read = ops[butter].proposed.price;
  const corrected = Math.round(read * 100 + 50) / 100;
  checkScreen(page, 'proposal review (receipt)');

  const price = page.locator(`[data-testid=op-${butter}] [data-field=price]`);
  await price.getByRole('button', { name: 'Change Price paid' }).click();
  await price.getByTestId('edit-input').fill(corrected.toFixed(2));
  await price.getByRole('button', { name: 'Save' }).click();
  await price.getByText(`AI suggested $${read.toFixed(2)} · you set $${corrected.toFixed(2)}`).waitFor();
  await page.locator(`[data-testid=op-${yeast}]`).getByRole('button', { name: 'Strike out' }).click();
  await page.locator(`[data-testid=op-${yeast}]`).getByText('Struck out: this line is not recorded.').waitFor();
  await phoneShot(page, 'review-receipt');
  checkScreen(page, 'proposal review (receipt, edited)');
  await page.getByRole('button', { name: 'Confirm all' }).click();
  await page.getByTestId('undo-toast').waitFor();
  const confirmed = (await api('list_proposals', { status: 'confirmed', limit: 20 }, state.token)).body.proposals.find((p) => p.proposal_id === id);
  assert.ok(confirmed, 'the receipt proposal is confirmed');
  assert.equal(confirmed.operations[butter].args.price, corrected);
  assert.equal(confirmed.operations[yeast].removed, true);
  // The inventory: a new lot for every line kept, none for the line struck out.
  const lotsAfter = await firestoreList(`tenants/${state.tenant}/lots`, state.token);
  const known = new Set(lotsBefore.map((l) => l.id));
  const added = lotsAfter.filter((l) => !known.has(l.id)).map((l) => l.fields.ingredient_slug?.stringValue);
  assert.equal(added.length, cards - 1, `new lots: ${added}`);
  assert.ok(added.includes(ops[butter].args.ingredient_slug), `new lots: ${added}`);
  if (ops.filter((o) => o.args.ingredient_slug === ops[yeast].args.ingredient_slug).length === 1) assert.ok(!added.includes(ops[yeast].args.ingredient_slug), `new lots: ${added}`);
  checkScreen(page, 'proposal review (receipt, confirmed)');
});

test('(b) a 12-megapixel photo over the 8 MiB limit is made smaller in the browser and accepted, with upload progress shown', async () => {
  const { page, context } = owner;
  const file = join(images, 'big-12mp.png');
  const original = statSync(file).size;
  assert.ok(original > 8 * 1024 * 1024, `the test photo is over the limit (${original} bytes)`);
  await visit(page, '/', () => page.getByRole('heading', { name: 'Home', level: 1 }).waitFor(), 'home (before large photo)');
  await openCapture(page, 'receipt');
  // A slow connection (≈ 2 Mbit/s up), so the progress bar is seen and photographed.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: 2_000_000, uploadThroughput: 250_000 });
  const uploads = [];
  page.on('request', (r) => r.url().includes('/api/upload_photo') && uploads.push(r));
  const answered = page.waitForResponse((r) => r.url().includes('/api/upload_photo'), { timeout: 120_000 });
  let response, after;
  try {
    ({ response, after } = await bigUpload(page, file, answered));
  } finally {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
  }
  assert.equal(response.status(), 200, await response.text());
  const answer = await response.json();
  assert.equal(uploads.length, 1);
  const sent = uploads[0].postDataBuffer()?.length ?? answer.bytes;
  assert.equal(answer.bytes, after, 'the server got the downscaled photo');
  assert.ok(sent < 8 * 1024 * 1024, `uploaded ${sent} bytes`);
  assert.equal(answer.kind, 'receipt');
  assert.equal(Math.max(answer.width, answer.height), 2400);
  timings.push(`e2e: the 12-MP photo was uploaded as ${(answer.bytes / 2 ** 20).toFixed(2)} MiB, ${answer.width}×${answer.height}; the server accepted it`);
  // It is then read like any receipt: a proposal, or a clear failure; either way it ends.
  const end = await until('the large receipt ends proposed or failed', async () => {
    const s = (await api('receipt_status', { photo_id: answer.photo_id }, state.token)).body;
    return s.status === 'proposed' || s.status === 'failed' ? s : null;
  }, 90_000);
  timings.push(`e2e: the 12-MP receipt photo (a receipt on a noisy table) was read: ${end.status}, ${end.proposal?.operations.length ?? 0} lines`);
  // The sheet shows the end: the review opened, "no items were found" (a noisy table around a small receipt), or why it failed.
  await until('the sheet shows the end', async () => /\/proposals\//.test(page.url()) || ['failed', 'proposed'].includes(await page.getByTestId('receipt-state').getAttribute('data-state').catch(() => '')), 60_000); // a 250 kB/s throttled upload, then OCR on a busy 2-core CI machine
  checkScreen(page, 'capture sheet (large photo)');
});

test('(c) a shelf photo and what the baker says propose a stock level', async () => {
  const { page } = owner;
  await visit(page, '/', () => page.getByRole('heading', { name: 'Home', level: 1 }).waitFor(), 'home (before shelf)');
  await openCapture(page, 'shelf');
  await page.setInputFiles('#shelf-file', join(images, 'shelf.png'));
  await page.getByTestId('shelf-size').waitFor();
  await page.fill('#shelf-note', 'flour jar about 40% full');
  await page.fill('#shelf-item', 'all-purpose flour');
  await phoneShot(page, 'capture-shelf');
  checkScreen(page, 'capture sheet (shelf)');
  const started = Date.now();
  await page.getByRole('button', { name: 'Read the photo' }).click();
  await page.waitForURL('**/proposals/*', { timeout: 30_000 });
  timings.push(`e2e timing: shelf photo → proposal ready: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  await page.getByRole('heading', { name: 'Review', level: 1 }).waitFor();
  const proposal = (await api('list_proposals', { limit: 20 }, state.token)).body.proposals.find((p) => p.proposal_id === id);
  assert.equal(proposal?.source, 'inventory_photo');
  assert.equal(proposal.input_text, 'flour jar about 40% full');
  const op = proposal.operations[0];
  assert.equal(op.op, 'adjust_inventory', JSON.stringify(op));
  assert.equal(op.proposed.remaining_percentage, 40, JSON.stringify(op.proposed));
  await page.locator('[data-testid=op-0] [data-field=remaining_percentage]').getByText(/^40\s%$/).waitFor();
  await phoneShot(page, 'review-shelf');
  checkScreen(page, 'proposal review (shelf)');
});

test('(d) a receipt chosen offline waits on the phone, survives a reload, and is read once back online', async () => {
  const { page, context } = owner;
  await visit(page, '/', () => page.getByRole('heading', { name: 'Home', level: 1 }).waitFor(), 'home (before offline receipt)');
  const proposedBefore = (await api('list_proposals', { status: 'proposed', limit: 50 }, state.token)).body.proposals.length;
  net.offline = true;
  await context.setOffline(true);
  try {
    await openCapture(page, 'receipt');
    await page.setInputFiles('#receipt-file', join(images, 'receipt-d.png'));
    await page.locator('[data-testid=receipt-state][data-state=waiting]').waitFor().catch((e) => explain(page, e));
    await page.getByText('No connection: the photo is kept on this phone').waitFor();
    await phoneShot(page, 'capture-receipt-offline');
    checkScreen(page, 'capture sheet (receipt offline)');
    // The app is closed and opened again, still offline: the photo is still waiting.
    await page.reload();
    await page.getByTestId('photo-status').getByText('1 receipt photo waits for a connection').waitFor();
    checkScreen(page, 'home (receipt waiting, offline)');
    assert.equal((await api('list_proposals', { status: 'proposed', limit: 50 }, state.token)).body.proposals.length, proposedBefore, 'nothing reached the server');
  } finally {
    await context.setOffline(false);
    net.offline = false;
  }
  const back = Date.now();
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  const done = page.getByTestId('photo-done');
  await done.getByText(/Receipt read — \d+ items? to review/).waitFor({ timeout: 90_000 }).catch((e) => explain(page, e));
  timings.push(`e2e timing: offline receipt, back online → proposal ready: ${((Date.now() - back) / 1000).toFixed(1)} s`);
  const text = await done.innerText();
  const count = Number(/(\d+) items? to review/.exec(text)[1]);
  assert.equal(count, expected['receipt-d'].length, text);
  await phoneShot(page, 'receipt-ready');
  checkScreen(page, 'home (receipt read)');
  // A build made while this runs (other work in the same tree) makes the app offer its update over the top of
  // the screen: take it, as a baker would; the notice is kept on the device and shows again.
  const update = page.getByTestId('update-available');
  if (await update.isVisible()) {
    await update.getByRole('button').click();
    await page.waitForLoadState('load');
    await done.getByText(/Receipt read — \d+ items? to review/).waitFor();
  }
  await done.getByRole('link', { name: 'Review' }).click();
  await page.waitForURL('**/proposals/receipt-*');
  await page.locator('article.op').first().waitFor();
  assert.equal(await page.locator('article.op').count(), count);
  assert.equal(await page.getByTestId('photo-done').count(), 0, 'the notice is dismissed once opened');
  checkScreen(page, 'proposal review (offline receipt)');
  const proposals = (await api('list_proposals', { status: 'proposed', limit: 50 }, state.token)).body.proposals.filter((p) => p.source === 'receipt');
  assert.equal(proposals.filter((p) => p.proposal_id === decodeURIComponent(new URL(page.url()).pathname.split('/').pop())).length, 1, 'one proposal for the receipt');
});

test('(e) a photo with no receipt on it: said so in the sheet, and the review shows what the reader noted', async () => {
  const { page } = owner;
  await visit(page, '/', () => page.getByRole('heading', { name: 'Home', level: 1 }).waitFor(), 'home (before empty photo)');
  await openCapture(page, 'receipt');
  await page.setInputFiles('#receipt-file', join(images, 'table.png'));
  const ended = page.getByText(/Receipt read, but no items were found|The receipt could not be read/);
  await ended.first().waitFor({ timeout: 90_000 }).catch((e) => explain(page, e));
  checkScreen(page, 'capture sheet (no receipt in the photo)');
  const text = await ended.first().innerText();
  if (/no items were found/.test(text)) {
    await page.getByTestId('receipt-capture').getByRole('link', { name: 'Review' }).click();
    await page.waitForURL('**/proposals/receipt-*');
    await page.getByTestId('review-notes').getByText(/notes? from the reading/).click();
    await page.getByTestId('review-notes').getByText(/no line items were read/).waitFor();
    assert.equal(await page.locator('article.op').count(), 0);
    checkScreen(page, 'proposal review (no lines)');
  }
  timings.push(`e2e: a photo with no receipt on it ended as: ${text}`);
});
