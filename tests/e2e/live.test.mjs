// Live updates between two devices of one bakery (issue 11), end to end on the local stack.
//
//   node --test tests/e2e/live.test.mjs        (after the build: cd hosting && npm run build)
//
// Two browser contexts (two "phones", no shared storage) signed in as the same owner, both on the event's
// shopping list. A purchase ticked on phone A's shopping list must appear in phone B's list within two
// seconds with no reload; a proposal confirmed on A's review screen must appear in B's inventory within two
// seconds. The app does it with one Firestore listener on tenants/{t}/meta/version (src/lib/live.svelte.ts).
// The timings are printed ("e2e timing: …"), measured from the click on A to B's screen showing the change.
// Every screen is checked for CSP violations and console errors, as in app.test.mjs. The desktop sample and
// the event are set up through the API (import_desktop, save_events) to save time.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PASSWORD, PHONE, PLANS, RUN, SAMPLE, api, checkScreen, claims, createBakery, idToken, launchChromium,
  screens, signUp, stack, startWith, stopStack, visit, watch
} from './support.mjs';

const OWNER = `live-${RUN}@e2e.test`;
const EVENT = 'E2E Live Fair';
const LIMIT_MS = 2000;
// Three days ahead (the day the push reminder would be sent).
const EVENT_DATE = new Date(Date.now() + 3 * 86_400_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
let browser;
const phone = { a: null, b: null }; // { context, page }
const state = { token: '', tenant: '', slug: '' };
const timings = [];

/** What the shopping list shows: every line's text, in order (a purchase changes it). */
const shoppingText = () => [...document.querySelectorAll('li.line')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()).join('\n');
/** What the inventory shows: every group's lots with their quantities. */
const inventoryText = () => [...document.querySelectorAll('section.group')].map((s) => s.textContent.replace(/\s+/g, ' ').trim()).join('\n');

const shoppingChanged = (was) => [...document.querySelectorAll('li.line')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()).join('\n') !== was;
const inventoryChanged = (was) => [...document.querySelectorAll('section.group')].map((s) => s.textContent.replace(/\s+/g, ' ').trim()).join('\n') !== was;

/** Waits (polling every 25 ms in the page; no eval, the CSP forbids it) until `check(before)`; the ms since `t0`. */
async function changed(page, check, before, t0) {
  await page.waitForFunction(check, before, { polling: 25, timeout: 15_000 });
  return Date.now() - t0;
}

async function signIn(page, email) {
  await page.goto(stack.url + '/signin');
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
  checkScreen(page, 'home (second device)');
}

/** The listener has had its first snapshot on this page (live.svelte.ts marks <html data-live="on">). */
const listening = (page) => page.waitForFunction(() => document.documentElement.dataset.live === 'on', null, { timeout: 20_000 });

before(async () => {
  browser = await startWith(launchChromium());
  for (const name of ['a', 'b']) {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
    await watch(context, `phone ${name.toUpperCase()}`);
    phone[name] = { context, page: await context.newPage() };
  }
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopStack();
  console.log(`e2e (live): ${screens.length} screens checked for CSP violations and console errors: ${[...new Set(screens)].join(', ')}`);
  for (const line of timings) console.log(line);
});

test('an owner with a bakery, the desktop sample and an event (set up through the API)', async () => {
  await signUp(phone.a.page, OWNER);
  await createBakery(phone.a.page, 'E2E Live Bakery');
  state.token = await idToken(OWNER);
  state.tenant = claims(state.token).tenant_id;
  assert.ok(state.tenant);
  for (const file of [SAMPLE, PLANS]) {
    const imported = await api('import_desktop', { data: JSON.parse(readFileSync(file, 'utf8')) }, state.token);
    assert.equal(imported.status, 200, JSON.stringify(imported.body).slice(0, 500));
  }
  const saved = await api('save_events', {
    events: [{ name: EVENT, event_date: EVENT_DATE }],
    event_finished_goods: [{ event_name: EVENT, finished_good_slug: 'cookie-tin', quantity: 20 }]
  }, state.token);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const plan = await api('plan_event', { event: EVENT }, state.token);
  assert.equal(plan.status, 200, JSON.stringify(plan.body));
  state.slug = plan.body.event_slug;
  assert.ok(plan.body.shopping_list.length >= 2, 'the event has something to buy');
});

test('a purchase on phone A shows in phone B\'s shopping list within two seconds, with no reload', async () => {
  assert.ok(state.slug, 'needs the event');
  await signIn(phone.b.page, OWNER);
  const path = `/events/${state.slug}/shopping`;
  for (const name of ['a', 'b']) {
    const { page } = phone[name];
    await visit(page, path, () => page.locator('li.line input[type=checkbox]').first().waitFor(), `shopping list (phone ${name.toUpperCase()})`);
    await listening(page);
  }
  const a = phone.a.page;
  const b = phone.b.page;
  const navigations = [];
  b.on('framenavigated', (frame) => frame === b.mainFrame() && navigations.push(frame.url()));
  const before = await b.evaluate(shoppingText);
  const line = a.locator('li.line:has(input[type=checkbox])').first();
  const label = (await line.locator('.what').innerText()).replace(/\s+/g, ' ').trim();
  await line.locator('input[type=checkbox]').check();
  const price = line.locator('input[inputmode=decimal]');
  if (!(await price.inputValue())) await price.fill('4.50');
  const t0 = Date.now();
  await line.getByRole('button', { name: 'Record purchase' }).click();
  const ms = await changed(b, shoppingChanged, before, t0);
  timings.push(`e2e timing: purchase → other device's shopping list: ${ms} ms (bought on A: ${label})`);
  console.log(timings.at(-1));
  assert.deepEqual(navigations, [], 'phone B did not reload');
  assert.ok(ms <= LIMIT_MS, `phone B showed the purchase after ${ms} ms (at most ${LIMIT_MS})`);
  await line.locator('form').waitFor({ state: 'detached' });
  // B's list is the functions' answer now, not a partial one.
  const fresh = await api('shopping_list', { event: state.slug }, state.token);
  const packages = fresh.body.suppliers.flatMap((s) => s.items.flatMap((i) => i.packages)).length;
  await b.waitForFunction((n) => document.querySelectorAll('li.line input[type=checkbox]').length === n, packages);
  checkScreen(a, 'shopping list (phone A, bought)');
  checkScreen(b, 'shopping list (phone B, updated live)');
});

test('a proposal confirmed on phone A shows in phone B\'s inventory within two seconds', async () => {
  const a = phone.a.page;
  const b = phone.b.page;
  await visit(b, '/inventory', () => b.locator('section.group').first().waitFor(), 'inventory (phone B)');
  await listening(b);
  const proposed = await api('propose_from_text', { text: 'I bought two 5 lb bags of King Arthur bread flour at Costco for $9.98' }, state.token);
  assert.equal(proposed.status, 200, JSON.stringify(proposed.body));
  assert.equal(proposed.body.status, 'proposed');
  await visit(a, `/proposals/${encodeURIComponent(proposed.body.proposal_id)}`, () => a.getByRole('button', { name: 'Confirm all' }).waitFor(), 'proposal review (phone A)');
  const before = await b.evaluate(inventoryText);
  const navigations = [];
  b.on('framenavigated', (frame) => frame === b.mainFrame() && navigations.push(frame.url()));
  const t0 = Date.now();
  await a.getByRole('button', { name: 'Confirm all' }).click();
  const ms = await changed(b, inventoryChanged, before, t0);
  timings.push(`e2e timing: confirm → other device: ${ms} ms (phone B's inventory)`);
  console.log(timings.at(-1));
  assert.deepEqual(navigations, [], 'phone B did not reload');
  assert.ok(ms <= LIMIT_MS, `phone B showed the confirmed purchase after ${ms} ms (at most ${LIMIT_MS})`);
  await a.getByTestId('review-status').getByText('confirmed').waitFor();
  await b.getByText('King Arthur', { exact: false }).first().waitFor();
  checkScreen(a, 'proposal review (phone A, confirmed)');
  checkScreen(b, 'inventory (phone B, updated live)');
});

test('settings: push is opt-in, and says so when the server has no web push key (as locally)', async () => {
  const b = phone.b.page;
  await visit(b, '/settings', () => b.getByTestId('push').waitFor(), 'settings (push)');
  await b.getByTestId('push-state').getByText('Notifications are not set up on this server').waitFor();
  assert.equal(await b.getByTestId('push').locator('input[type=checkbox]').count(), 0, 'no toggle that cannot work');
});

test('signing out stops the listener', async () => {
  const a = phone.a.page;
  await visit(a, '/more', () => a.getByRole('button', { name: 'Sign out' }).waitFor(), 'more');
  // the listener starts on the first touch or 4 s after the app opened (src/lib/live.svelte.ts)
  await a.waitForFunction(() => document.documentElement.dataset.live === 'on', null, { timeout: 10_000 });
  await a.getByRole('button', { name: 'Sign out' }).click();
  await a.waitForURL('**/signin');
  await a.waitForFunction(() => document.documentElement.dataset.live === undefined);
  checkScreen(a, 'sign-in (after sign-out)');
});
