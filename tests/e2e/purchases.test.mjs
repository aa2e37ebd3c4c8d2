// End-to-end: the purchases screen loads the history a page at a time (issue 14, list_purchases).
//
//   node --test tests/e2e/purchases.test.mjs        (after the build; starts its own stack, see support.mjs)
//
// A bakery with 65 purchases (imported through the API: 60 of flour on 60 days, 5 of butter) opens /purchases
// at phone size: the first page holds 50 (the newest first), "Show more" adds the 15 older ones and says that
// is every purchase. At laptop size the same. /purchases?product=<butter> (what the barcode flow opens) lists
// that product's 5 purchases, with it chosen in the form; "All products" goes back to every purchase. Offline,
// the screen shows what it had loaded (all 65, marked as of when) from the device. Every screen is checked for
// CSP violations, console errors and uncaught exceptions. Screenshot: docs/screenshots/purchases-paged.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  LAPTOP, PHONE, RUN, SHOTS, api, checkScreen, createBakery, idToken, launchChromium, net, screens, signUp, sleep, stack,
  startWith, stopStack, until, visit, watch
} from './support.mjs';

const OWNER = `purchases-${RUN}@e2e.test`;
const FLOUR_DAYS = 60;
const day = (n) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
let browser;
let context;
let page;
const state = { token: '', tenant: '', butter: '' };

const KITCHEN = {
  suppliers: [{ name: 'Costco', slug: 'costco' }],
  ingredients: [{ slug: 'flour', display_name: 'Flour' }, { slug: 'butter', display_name: 'Butter' }],
  products: [
    { id: 'ka-flour', ingredient_slug: 'flour', brand: 'King Arthur', package_unit: 'lb', package_unit_quantity: 5 },
    { id: 'plugra', ingredient_slug: 'butter', brand: 'Plugra', package_unit: 'lb', package_unit_quantity: 1 }
  ],
  purchases: [
    ...Array.from({ length: FLOUR_DAYS }, (_, n) => ({ id: `e2e-flour-${n}`, ingredient_slug: 'flour', brand: 'King Arthur', purchase_date: day(n), quantity_purchased: 1 + (n % 3), unit_price: 4.5, supplier_slug: 'costco' })),
    ...Array.from({ length: 5 }, (_, n) => ({ id: `e2e-butter-${n}`, ingredient_slug: 'butter', brand: 'Plugra', purchase_date: day(7 * n + 3), quantity_purchased: 2, unit_price: 6.25 }))
  ]
};
const TOTAL = KITCHEN.purchases.length;
const rows = () => page.locator('ul.list.card li');
const shownCount = () => page.getByTestId('purchases-count').textContent();

before(async () => {
  browser = await startWith(launchChromium());
  context = await browser.newContext({ viewport: PHONE, locale: 'en-US', deviceScaleFactor: 1 });
  await watch(context, 'owner');
  page = await context.newPage();
});

after(async () => {
  await context?.setOffline(false).catch(() => {});
  await browser?.close().catch(() => {});
  await stopStack();
  console.log(`e2e purchases: ${screens.length} screens checked for CSP violations and console errors: ${[...new Set(screens)].join(', ')}`);
});

test('a bakery with 65 purchases (imported through the API)', async () => {
  await signUp(page, OWNER);
  await createBakery(page, `Paged Bakery ${RUN}`);
  state.token = await idToken(OWNER);
  const r = await api('import_desktop', { data: KITCHEN }, state.token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.changed.purchases, TOTAL, JSON.stringify(r.body.changed));
  const page1 = await api('list_purchases', { limit: 50 }, state.token);
  assert.equal(page1.status, 200, JSON.stringify(page1.body));
  assert.equal(page1.body.purchases.length, 50);
  state.butter = 'plugra';
});

test('the first page holds 50, newest first; "Show more" adds the older ones', async () => {
  await visit(page, '/purchases', () => page.getByTestId('purchases-count').waitFor(), 'purchases (first page)');
  assert.equal(await rows().count(), 50);
  assert.equal(await shownCount(), '50 purchases shown');
  const first = await rows().first().textContent();
  assert.match(first, /Mar 1, 2026/, 'the newest purchase (day 59: 1 March) first');
  assert.equal(await page.getByText('Jan 1, 2026').count(), 0, 'the oldest is not on the first page');
  const more = page.getByRole('button', { name: 'Show more' });
  await more.scrollIntoViewIfNeeded();
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await sleep(250);
  await page.screenshot({ path: join(SHOTS, 'purchases-paged.png'), animations: 'disabled' });
  await more.click();
  await until('the older purchases are shown', async () => (await rows().count()) === TOTAL);
  assert.equal(await shownCount(), `${TOTAL} purchases shown`);
  await page.getByTestId('purchases-all-shown').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Show more' }).count(), 0, 'nothing more to show');
  assert.match(await rows().last().textContent(), /Jan 1, 2026/, 'the oldest purchase last');
  const days = (await rows().evaluateAll((lis) => lis.map((li) => li.querySelector('.small')?.textContent ?? ''))).map((d) => Date.parse(d.split(' · ')[0]));
  assert.ok(days.every((d, i) => Number.isFinite(d) && (i === 0 || d <= days[i - 1])), 'newest first, on every page');
  checkScreen(page, 'purchases (every page)');
});

test('at laptop size: the first page and "Show more"', async () => {
  await page.setViewportSize(LAPTOP);
  await visit(page, '/purchases', () => page.getByTestId('purchases-count').waitFor(), 'purchases (laptop)');
  assert.equal(await rows().count(), 50);
  const more = page.getByRole('button', { name: 'Show more' });
  const box = await more.boundingBox();
  assert.ok(box && box.width < 400, `the button is not stretched across a laptop screen (${JSON.stringify(box)})`);
  await more.click();
  await until('every purchase at laptop size', async () => (await rows().count()) === TOTAL);
  checkScreen(page, 'purchases (laptop, every page)');
  await page.setViewportSize(PHONE);
});

test('/purchases?product=… (the barcode flow) lists that product\'s purchases, chosen in the form', async () => {
  await visit(page, `/purchases?product=${state.butter}`, () => page.getByTestId('purchases-all').waitFor(), 'purchases (one product)');
  await page.getByRole('heading', { name: /^Purchases of Plugra/, level: 2 }).waitFor();
  await until('the butter purchases', async () => (await rows().count()) === 5);
  assert.equal(await shownCount(), '5 purchases shown');
  await page.getByTestId('purchases-all-shown').waitFor();
  await until('the product is chosen in the form', async () => (await page.inputValue('#p-pick')) === state.butter);
  await page.getByTestId('purchases-all').click();
  await page.getByRole('heading', { name: 'Recent purchases', level: 2 }).waitFor();
  await until('every product again, a page of them', async () => (await rows().count()) === 50);
  checkScreen(page, 'purchases (all products again)');
});

test('offline: the purchases loaded before are shown from the device', async () => {
  await visit(page, '/purchases', () => page.getByTestId('purchases-count').waitFor(), 'purchases (before offline)');
  await page.getByRole('button', { name: 'Show more' }).click();
  await until('every purchase before going offline', async () => (await rows().count()) === TOTAL);
  await until('a service worker is active', () => page.evaluate(() => navigator.serviceWorker?.getRegistration().then((r) => !!r?.active)));
  net.offline = true;
  await context.setOffline(true);
  try {
    await page.goto(`${stack.url}/purchases`);
    await page.getByTestId('as-of').waitFor();
    await until('the kept purchases', async () => (await rows().count()) === TOTAL);
    assert.match(await page.getByTestId('as-of').textContent(), /offline/i);
    checkScreen(page, 'purchases (offline, as last seen)');
  } finally {
    await context.setOffline(false);
    net.offline = false;
  }
});
