// End-to-end: no app screen reads the bakery's whole history (issue 14, "a bakery's history must not slow it down").
//
//   node --test tests/e2e/history.test.mjs        (after the build; starts its own stack, see support.mjs)
//
// A bakery with 70 purchases (more than a page of list_purchases: 60 of flour on 60 days at the mill, the newest
// day twice, the last of them at Costco for 7.77; 10 of butter) and one lot per purchase, all used up but 4 (2 of
// flour, 2 of butter), imported through the API, with a recipe and an event needing more than is in stock.
// At phone size:
//   - Home shows the 5 newest purchases, newest first (list_purchases, limit 5), and no older one;
//   - the inventory lists the 4 lots in stock only (the `live == true` query), none of the 66 used up, and the
//     app never asked Firestore for the purchases or every lot (the requests are watched);
//   - ticking the flour line of the shopping list offers 7.77, the last price paid (the purchase summaries);
//   - offline after a reload, the shopping list, its last price, Home's purchases and the inventory are still
//     shown (kept on the device).
// Every screen is checked for CSP violations, console errors and uncaught exceptions. Screenshots:
// docs/screenshots/home-recent-phone.png, inventory-live-phone.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  PHONE, RUN, SHOTS, api, checkScreen, claims, createBakery, idToken, launchChromium, net, networkQuiet, screens,
  signUp, stack, startWith, stopStack, visit, watch
} from './support.mjs';

const OWNER = `history-${RUN}@e2e.test`;
const FLOUR_DAYS = 60;
const day = (n) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
const EVENT = 'E2E History Fair';
const EVENT_DATE = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
let browser;
let context;
let page;
const state = { token: '', tenant: '', slug: '' };

const flour = Array.from({ length: FLOUR_DAYS }, (_, n) => ({
  id: `e2e-flour-${String(n).padStart(2, '0')}`, ingredient_slug: 'flour', brand: 'King Arthur', purchase_date: day(n),
  quantity_purchased: 1, unit_price: (4 + (n % 5) / 4).toFixed(2), supplier_slug: 'mill'
}));
// The newest day twice: the newest purchase is the one with the higher id (as the server orders them).
flour.push({ id: 'e2e-flour-59z', ingredient_slug: 'flour', brand: 'King Arthur', purchase_date: day(FLOUR_DAYS - 1), quantity_purchased: 2, unit_price: 7.77, supplier_slug: 'costco' });
const butter = Array.from({ length: 10 }, (_, n) => ({
  id: `e2e-butter-${n}`, ingredient_slug: 'butter', brand: 'Plugra', purchase_date: day(5 * n + 2), quantity_purchased: 1, unit_price: 6.25, supplier_slug: 'mill'
}));
const PURCHASES = [...flour, ...butter];
const IN_STOCK = new Set(['e2e-flour-59z', 'e2e-flour-30', 'e2e-butter-9', 'e2e-butter-0']);
const lotOf = (p) => ({
  id: `lot-${p.id}`, ingredient_slug: p.ingredient_slug, product_brand: p.brand, quantity: IN_STOCK.has(p.id) ? 0.5 : 0,
  purchase_date: p.purchase_date, package_unit: 'lb', unit_cost: p.unit_price, purchase_id: p.id, location: 'pantry'
});
const KITCHEN = {
  suppliers: [{ name: 'The Mill', slug: 'mill' }, { name: 'Costco', slug: 'costco' }],
  ingredients: [{ slug: 'flour', display_name: 'Flour' }, { slug: 'butter', display_name: 'Butter' }],
  products: [
    { id: 'ka-flour', ingredient_slug: 'flour', brand: 'King Arthur', package_unit: 'lb', package_unit_quantity: 5 },
    { id: 'plugra', ingredient_slug: 'butter', brand: 'Plugra', package_unit: 'lb', package_unit_quantity: 1 }
  ],
  purchases: PURCHASES,
  inventory_items: PURCHASES.map(lotOf)
};
/** The newest five, as list_purchases orders them: latest day, then highest id. */
const NEWEST = [...PURCHASES].sort((a, b) => b.purchase_date.localeCompare(a.purchase_date) || (b.id < a.id ? -1 : 1)).slice(0, 5);

/** Firestore reads the page makes (the lite SDK's REST calls): their URLs and bodies. */
const firestoreAsks = [];

before(async () => {
  browser = await startWith(launchChromium());
  context = await browser.newContext({ viewport: PHONE, locale: 'en-US', deviceScaleFactor: 1 });
  await watch(context, 'owner');
  page = await context.newPage();
  page.on('request', (r) => {
    if (/\/v1\/projects\/[^/]+\/databases\/\(default\)\/documents/.test(r.url())) firestoreAsks.push({ url: r.url(), body: r.postData() ?? '' });
  });
});

after(async () => {
  await context?.setOffline(false).catch(() => {});
  await browser?.close().catch(() => {});
  await stopStack();
  console.log(`e2e history: ${screens.length} screens checked for CSP violations and console errors: ${[...new Set(screens)].join(', ')}`);
});

test('a bakery with 71 purchases and 71 lots, 4 of them in stock, and an event (through the API)', async () => {
  await signUp(page, OWNER);
  await createBakery(page, `History Bakery ${RUN}`);
  state.token = await idToken(OWNER);
  state.tenant = claims(state.token).tenant_id;
  const r = await api('import_desktop', { data: KITCHEN }, state.token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.changed.purchases, PURCHASES.length, JSON.stringify(r.body.changed));
  const recipe = {
    name: 'Shortbread',
    ingredients: [{ ingredient_slug: 'flour', quantity: 2, unit: 'lb' }, { ingredient_slug: 'butter', quantity: 1, unit: 'lb' }],
    finished_units: [{ slug: 'shortbread-finger', name: 'Finger', unit_yield_quantity: 24 }]
  };
  for (const [op, body] of [
    ['save_recipes', { recipes: [recipe] }],
    ['save_finished_goods', { finished_goods: [{ slug: 'tin', display_name: 'Tin', assembly_type: 'bundle' }], compositions: [{ finished_good_slug: 'tin', finished_unit_slug: 'shortbread-finger', component_quantity: 12 }] }],
    ['save_events', { events: [{ name: EVENT, event_date: EVENT_DATE }], event_finished_goods: [{ event_name: EVENT, finished_good_slug: 'tin', quantity: 20 }] }]
  ]) {
    const answer = await api(op, body, state.token);
    assert.equal(answer.status, 200, `${op}: ${JSON.stringify(answer.body)}`);
  }
  const plan = await api('plan_event', { event: EVENT }, state.token);
  assert.equal(plan.status, 200, JSON.stringify(plan.body));
  state.slug = plan.body.event_slug;
  assert.ok(state.slug);
  const first = await api('list_purchases', { limit: 50 }, state.token);
  assert.equal(first.body.purchases.length, 50);
  assert.ok(first.body.next_cursor, 'more than one page of purchases');
});

test('Home shows the 5 newest purchases, newest first, and no older one', async () => {
  firestoreAsks.length = 0;
  await visit(page, '/', () => page.locator('section[aria-labelledby=recent] ul.list li').first().waitFor(), 'home (newest purchases)');
  const rows = page.locator('section[aria-labelledby=recent] ul.list li');
  assert.equal(await rows.count(), 5);
  const texts = await rows.allTextContents();
  // The newest: 2 × King Arthur at 7.77 on 1 March (day 59, at Costco; the other purchase of that day has a lower id).
  assert.match(texts[0], /King Arthur/);
  assert.match(texts[0], /Mar 1, 2026/);
  assert.match(texts[0], /Costco/);
  assert.match(texts[0], /7\.77/);
  const dates = NEWEST.map((p) => new Date(`${p.purchase_date}T12:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' }));
  texts.forEach((text, i) => assert.ok(text.includes(dates[i]), `row ${i}: ${text} (expected ${dates[i]})`));
  assert.equal(await page.getByText('Jan 1, 2026').count(), 0, 'the oldest purchase is not on Home');
  assert.deepEqual(historyReads(), [], 'Home read no history collection from Firestore');
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.screenshot({ path: join(SHOTS, 'home-recent-phone.png'), animations: 'disabled' });
});

/** Firestore asks for a history collection whole: purchases (any), or lots with no `live` filter. */
function historyReads() {
  return firestoreAsks.filter(({ url, body }) => {
    const all = `${url} ${body}`;
    if (/purchases"|\/purchases\b|"collectionId":"purchases"/.test(all) && !/purchase_summaries/.test(all)) return true;
    return /"collectionId":"lots"/.test(body) && !/"live"/.test(body);
  }).map(({ url, body }) => `${url} ${body.slice(0, 200)}`);
}

test('the inventory lists the 4 lots in stock, none of the 67 used up', async () => {
  firestoreAsks.length = 0;
  await visit(page, '/inventory', () => page.locator('section.group').first().waitFor(), 'inventory (lots in stock)');
  const lots = page.locator('section.group ul.list > li');
  assert.equal(await lots.count(), IN_STOCK.size);
  const groups = await page.locator('section.group h2').allTextContents();
  assert.deepEqual(groups.map((g) => g.replace(/\s+/g, ' ').trim()).sort(), ['Butter · 2 lots', 'Flour · 2 lots']);
  const text = await page.locator('main').innerText();
  for (const p of PURCHASES.filter((x) => IN_STOCK.has(x.id))) {
    const bought = new Date(`${p.purchase_date}T12:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
    assert.ok(text.includes(`Bought ${bought}`), `the lot bought ${bought} is shown`);
  }
  assert.ok(!text.includes('Bought Jan 2, 2026'), 'a used-up lot (flour, 2 January) is not shown');
  const asked = firestoreAsks.filter(({ body }) => /"collectionId":"lots"/.test(body));
  assert.ok(asked.length >= 1, 'the lots were read from Firestore');
  assert.ok(asked.every(({ body }) => /"live"/.test(body)), `lots only through the live query: ${asked.map((a) => a.body).join('\n')}`);
  assert.deepEqual(historyReads(), []);
  await page.screenshot({ path: join(SHOTS, 'inventory-live-phone.png'), animations: 'disabled' });
});

/** Ticks the flour line (King Arthur) and answers the price its form offers; closes the form again. */
async function flourPrice() {
  const line = page.locator('li.line', { hasText: 'King Arthur' }).first();
  await line.locator('input[type=checkbox]').check();
  const price = line.locator('input[inputmode=decimal]');
  await price.waitFor();
  const value = await price.inputValue();
  await line.getByRole('button', { name: 'Cancel' }).click();
  return value;
}

test('the shopping list offers the last price paid when the flour line is ticked (7.77: the newest purchase)', async () => {
  firestoreAsks.length = 0;
  await visit(page, `/events/${state.slug}/shopping`, () => page.locator('li.line', { hasText: 'King Arthur' }).first().waitFor(), 'shopping list');
  await networkQuiet(page); // the purchase summaries are read once the list's own read is over
  assert.ok(firestoreAsks.some(({ url, body }) => /purchase_summaries/.test(url + body)), 'the purchase summaries were read');
  assert.deepEqual(historyReads(), [], 'no purchase was read');
  assert.equal(await flourPrice(), '7.77');
  // (The line's own estimate, estimated_cost / count, is the newest price at the suggested supplier: the same here.
  // That the price comes from the summaries and no purchase is read is what the Firestore requests above show.)
  checkScreen(page, 'shopping list (ticked, last price)');
});

test('offline after a reload: the shopping list and its last price, Home\'s purchases and the inventory are still shown', async () => {
  net.offline = true;
  await context.setOffline(true);
  try {
    await page.reload();
    await page.locator('li.line', { hasText: 'King Arthur' }).first().waitFor();
    await page.getByTestId('as-of').waitFor();
    assert.equal(await flourPrice(), '7.77', 'the last price, from the copy kept on the device');
    checkScreen(page, 'shopping list (offline)');
    await page.goto(`${stack.url}/`).catch(() => {}); // the service worker answers
    await page.locator('section[aria-labelledby=recent] ul.list li').first().waitFor();
    assert.equal(await page.locator('section[aria-labelledby=recent] ul.list li').count(), 5);
    checkScreen(page, 'home (offline)');
    await page.goto(`${stack.url}/inventory`).catch(() => {});
    await page.locator('section.group').first().waitFor();
    assert.equal(await page.locator('section.group ul.list > li').count(), IN_STOCK.size);
    checkScreen(page, 'inventory (offline)');
  } finally {
    await context.setOffline(false);
    net.offline = false;
  }
});
