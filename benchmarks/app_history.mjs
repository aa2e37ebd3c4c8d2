#!/usr/bin/env node
// What the app downloads when Home, an event's shopping list and the inventory are opened (issue 14: "a
// bakery's history must not slow it down"), for a bakery with a long history against a new one.
//
//   node benchmarks/app_history.mjs [--n 5000] [--live 60]
//
// Starts the local stack (devstack.run, through tests/e2e/support.mjs) and stops it after. Two bakeries, each
// set up through the API: "new" (3 purchases, 3 lots in stock) and "history" (--n purchases of 4 products over
// the past years, one lot per purchase, all used up but --live of them). Both have one recipe and an event whose
// shopping list names those products. Then, signed in at phone size, each screen is loaded (a full page load,
// so nothing is in memory) and every response the page receives until the network is quiet is counted:
//   - data: Firestore (the lite SDK's REST answers: documents counted in runQuery / batchGet answers) and /api/;
//   - all: everything, the app's own files included (the same for both bakeries).
// Bytes are the decoded bodies (what the phone holds; on the wire Firestore's JSON is gzipped). The live
// updates' listener channel (a request that stays open) is not counted. Needs hosting/dist built.

import {
  PHONE, RUN, api, createBakery, idToken, launchChromium, signUp, stack, startStack, stopStack, sleep
} from '../tests/e2e/support.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = opt('--n', 5000);
const LIVE = opt('--live', 60);
const EVENT_DATE = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
const LONG_LIVED = /\/google\.firestore\.v1\.Firestore\/(Listen|Write)\/channel/;
const PRODUCTS = [
  { id: 'bench-flour', ingredient_slug: 'flour', brand: 'King Arthur', package_unit: 'lb', package_unit_quantity: 5 },
  { id: 'bench-flour-bulk', ingredient_slug: 'flour', brand: 'Bulk Mill', package_unit: 'lb', package_unit_quantity: 50 },
  { id: 'bench-butter', ingredient_slug: 'butter', brand: 'Plugra', package_unit: 'lb', package_unit_quantity: 1 },
  { id: 'bench-sugar', ingredient_slug: 'sugar', brand: 'Domino', package_unit: 'lb', package_unit_quantity: 4 }
];

/** A kitchen with `n` purchases (one lot each; all but `live` used up), the newest today - 1 day. */
export function kitchen(n, live) {
  const day = (k) => new Date(Date.now() - (k + 1) * 86_400_000 / Math.max(1, n / 1800)).toISOString().slice(0, 10);
  const purchases = [];
  const lots = [];
  for (let k = 0; k < n; k++) {
    const p = PRODUCTS[k % PRODUCTS.length];
    const id = `bench-p-${k}`;
    const price = (3 + (k % 17) / 4).toFixed(2);
    purchases.push({ id, ingredient_slug: p.ingredient_slug, brand: p.brand, purchase_date: day(k), quantity_purchased: 1, unit_price: price, supplier_slug: 'mill' });
    lots.push({
      id: `bench-lot-${k}`, ingredient_slug: p.ingredient_slug, product_brand: p.brand, quantity: k < live ? 1 : 0,
      purchase_date: day(k), package_unit: p.package_unit, unit_cost: price, purchase_id: id, location: 'pantry'
    });
  }
  return {
    suppliers: [{ name: 'The Mill', slug: 'mill' }],
    ingredients: [{ slug: 'flour', display_name: 'Flour' }, { slug: 'butter', display_name: 'Butter' }, { slug: 'sugar', display_name: 'Sugar' }],
    products: PRODUCTS,
    purchases,
    inventory_items: lots
  };
}

/** One recipe using the three ingredients, a bundle of it, and an event needing a lot of it. */
export async function bakeSale(token, name) {
  const recipe = {
    name: 'Shortbread',
    ingredients: [
      { ingredient_slug: 'flour', quantity: 2, unit: 'lb' }, { ingredient_slug: 'butter', quantity: 1, unit: 'lb' },
      { ingredient_slug: 'sugar', quantity: 0.5, unit: 'lb' }
    ],
    finished_units: [{ slug: 'shortbread-finger', name: 'Finger', unit_yield_quantity: 24 }]
  };
  for (const [op, body] of [
    ['save_recipes', { recipes: [recipe] }],
    ['save_finished_goods', { finished_goods: [{ slug: 'tin', display_name: 'Tin', assembly_type: 'bundle' }], compositions: [{ finished_good_slug: 'tin', finished_unit_slug: 'shortbread-finger', component_quantity: 12 }] }],
    ['save_events', { events: [{ name, event_date: EVENT_DATE }], event_finished_goods: [{ event_name: name, finished_good_slug: 'tin', quantity: 200 }] }]
  ]) {
    const r = await api(op, body, token);
    if (r.status !== 200) throw new Error(`${op}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const list = await api('shopping_list', { event: name }, token);
  if (list.status !== 200) throw new Error(`shopping_list: ${list.status} ${JSON.stringify(list.body)}`);
  return list.body.event_slug ?? list.body.slug ?? name.toLowerCase().replaceAll(' ', '-');
}

/** Counts what the page receives from now until the network is quiet for `quietMs`. */
function counter(page) {
  const tally = { requests: 0, bytes: 0, dataBytes: 0, docs: 0, firestore: 0, api: 0, open: new Set(), last: Date.now() };
  page.on('request', (r) => {
    if (LONG_LIVED.test(r.url())) return;
    tally.open.add(r);
    tally.last = Date.now();
  });
  const done = async (r) => {
    if (!tally.open.has(r)) return;
    try {
      const res = await r.response();
      const body = res ? await res.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
      tally.requests++;
      tally.bytes += body.length;
      const url = r.url();
      if (/\/v1\/projects\/[^/]+\/databases\//.test(url)) {
        tally.firestore++;
        tally.dataBytes += body.length;
        try {
          const parsed = JSON.parse(body.toString());
          if (Array.isArray(parsed)) tally.docs += parsed.filter((x) => x.document || x.found).length;
        } catch { /* not JSON */ }
      } else if (/\/api\//.test(url)) {
        tally.api++;
        tally.dataBytes += body.length;
      }
    } finally {
      tally.open.delete(r);
      tally.last = Date.now();
    }
  };
  page.on('requestfinished', done);
  page.on('requestfailed', (r) => {
    tally.open.delete(r);
    tally.last = Date.now();
  });
  return tally;
}

async function quiet(tally, quietMs = 1500, timeout = 120_000) {
  const deadline = Date.now() + timeout;
  while (!(tally.open.size === 0 && Date.now() - tally.last >= quietMs)) {
    if (Date.now() > deadline) throw new Error('the network did not go quiet');
    await sleep(50);
  }
}

async function measure(browser, email, slug) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${stack.url}/signin`);
  await page.fill('#email', email);
  await page.fill('#password', 'e2e-bake-2026');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await sleep(2000);
  const rows = [];
  for (const [name, path, ready] of [
    ['Home', '/', () => page.getByRole('heading', { name: 'Recent purchases' }).waitFor()],
    ['Shopping list', `/events/${slug}/shopping`, () => page.locator('li.line').first().waitFor()],
    ['Inventory', '/inventory', () => page.locator('section.group').first().waitFor()]
  ]) {
    const tally = counter(page);
    const t0 = Date.now();
    await page.goto(stack.url + path);
    await ready();
    const shown = Date.now() - t0;
    await quiet(tally);
    page.removeAllListeners('request');
    page.removeAllListeners('requestfinished');
    page.removeAllListeners('requestfailed');
    rows.push({ name, ...tally, shown });
  }
  await context.close();
  return rows;
}

async function main() {
  const t0 = Date.now();
  await startStack();
  const browser = await launchChromium();
  const results = {};
  try {
    for (const [label, n, live] of [['new', 3, 3], ['history', N, LIVE]]) {
      const email = `bench-${label}-${RUN}@e2e.test`;
      const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
      const page = await context.newPage();
      await signUp(page, email);
      await createBakery(page, `Bench ${label} ${RUN}`);
      await context.close();
      const token = await idToken(email);
      const seedStart = Date.now();
      const r = await api('import_desktop', { data: kitchen(n, live) }, token);
      if (r.status !== 200) throw new Error(`import: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
      const slug = await bakeSale(token, `Bench Fair ${label}`);
      console.log(`${label}: ${n} purchases, ${n} lots (${live} in stock) seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
      results[label] = await measure(browser, email, slug);
    }
  } finally {
    await browser.close().catch(() => {});
    await stopStack();
  }
  console.log(`\nfirst open of each screen (phone, full page load, until the network is quiet 1.5 s); kB = 1000 bytes, decoded`);
  console.log('bakery   screen          Firestore docs  Firestore req  API req  data kB   all kB  shown ms');
  for (const [label, rows] of Object.entries(results)) {
    for (const r of rows) {
      console.log(`${label.padEnd(8)} ${r.name.padEnd(15)} ${String(r.docs).padStart(14)} ${String(r.firestore).padStart(14)} ${String(r.api).padStart(8)} ${(r.dataBytes / 1000).toFixed(1).padStart(8)} ${(r.bytes / 1000).toFixed(1).padStart(8)} ${String(r.shown).padStart(9)}`);
    }
  }
  console.log(`(n = ${N} purchases and lots, ${LIVE} lots in stock; whole run ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

main().catch(async (e) => {
  console.error(e);
  await stopStack().catch(() => {});
  process.exit(1);
});
