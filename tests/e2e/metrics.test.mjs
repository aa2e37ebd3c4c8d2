// Issue 14's metrics dashboard, end to end on the local stack seeded with the 8-week sample history.
//
//   node --test tests/e2e/metrics.test.mjs        (after the build: cd hosting && npm run build)
//
// The stack starts with BAKETRACKER_SAMPLE_HISTORY=1 (the demo bakery and three others get a made-up 8-week
// history, devstack/sample_activity.py). The demo owner (its admin claim taken away first) opens More → Metrics
// at laptop size: every chart is drawn (a canvas in each), the tables show get_metrics's own numbers, the weekly
// CSV downloads with a sensible name and holds the answer's values in dot decimals; Chart.js loads on that route only. Then the owner is made a
// platform admin (the custom claim `admin: true`, by scripts/grant_admin.py) and switches to "All
// bakeries (aggregate)". A baker has no Metrics entry and is refused on /metrics (and by get_metrics: 403).
// Every screen is checked for CSP violations and console errors.
// Screenshots: docs/screenshots/metrics-owner.png, metrics-admin.png, metrics-phone.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LAPTOP, PASSWORD, PHONE, REPO, RUN, SHOTS, api, checkScreen, claims, cli, createBakery, idToken, launchChromium, networkQuiet, screens, signUp, sleep, stack,
  startWith, stopStack, visit, watch
} from './support.mjs';

const DEMO = 'demo@baketracker.test';
const DEMO_PASSWORD = 'bake-demo-2026';
const BAKER = `metrics-baker-${RUN}@e2e.test`;
const FRESH = `metrics-new-${RUN}@e2e.test`;
let browser;
const state = { token: '', metrics: null, code: '' };

/** The whole dashboard at laptop width: the window made as tall as the page (a full-page shot would leave the
 *  rail and the capture button where the first 900 px put them). */
async function laptopShot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: LAPTOP.width, height });
  await page.evaluate(() => document.fonts.ready);
  await sleep(500); // the charts redraw at the new size
  await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });
  await page.setViewportSize(LAPTOP);
}

/** A phone's screen, scrolled to the section `testid`. */
async function phoneShot(page, name, testid) {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize(PHONE);
  await sleep(500);
  await page.getByTestId(testid).evaluate((e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 12));
  await sleep(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });
}

async function signIn(page, email, password, words = { signIn: 'Sign in', home: 'Home' }) {
  await page.goto(stack.url + '/signin');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.getByRole('button', { name: words.signIn, exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await page.getByRole('heading', { name: words.home, level: 1 }).waitFor();
  checkScreen(page, `home (${email})`);
}

/** Every section's chart has drawn: a canvas with a size in each. */
async function chartsDrawn(page, ids) {
  for (const id of ids) {
    const canvas = page.getByTestId(id).locator('canvas');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 50, `${id} is drawn (${JSON.stringify(box)})`);
  }
}

const CHARTS = ['chart-actives', 'chart-retention', 'chart-ai', 'chart-sources', 'chart-proposals', 'chart-latency'];
const en = (n, digits = 0) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(n);
const pctText = (share) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(Math.round(share * 1000) / 1000);

/** scripts/grant_admin.py against the stack's Auth emulator, as an operator runs it (the other claims kept). */
async function grantAdmin(...flags) {
  const env = { ...process.env, FIREBASE_AUTH_EMULATOR_HOST: stack.auth, GOOGLE_CLOUD_PROJECT: stack.project };
  const { stdout } = await cli(join(REPO, '.venv', 'bin', 'python'), [join(REPO, 'scripts', 'grant_admin.py'), ...flags, DEMO], { cwd: REPO, env });
  return stdout;
}

before(async () => {
  process.env.BAKETRACKER_SAMPLE_HISTORY = '1';
  browser = await startWith(launchChromium());
  // The seeded demo account is also the platform admin; first it is only the bakery's owner.
  assert.doesNotMatch(await grantAdmin('--revoke'), /"admin"/);
  state.token = await idToken(DEMO, DEMO_PASSWORD);
  assert.equal(claims(state.token).admin, undefined);
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopStack();
  console.log(`e2e (metrics): ${screens.length} screens checked for CSP violations and console errors: ${[...new Set(screens)].join(', ')}`);
});

test('get_metrics answers the demo owner with the seeded history', async () => {
  const r = await api('get_metrics', { scope: 'bakery', weeks: 8 }, state.token);
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
  state.metrics = r.body;
  assert.equal(r.body.scope, 'bakery');
  assert.equal(r.body.weekly.length, 8);
  assert.ok(r.body.weekly.some((w) => w.active_users > 0), 'the bakery has active weeks');
  assert.ok(r.body.retention.length > 0, 'the bakery has signup cohorts');
  assert.ok(r.body.operations.length > 0, 'calls were recorded');
});

test('the owner opens the dashboard from More: charts, tables and the weekly CSV as get_metrics answers', async () => {
  const m = state.metrics;
  assert.ok(m, 'needs the answer');
  const context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US', acceptDownloads: true });
  await watch(context, 'owner');
  try {
    const page = await context.newPage();
    await signIn(page, DEMO, DEMO_PASSWORD);
    const homeScripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js')));
    await visit(page, '/more', () => page.getByRole('link', { name: 'Metrics' }).waitFor(), 'more (owner)');
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.waitForURL('**/metrics');
    await page.getByRole('heading', { name: 'Metrics', level: 1 }).waitFor();
    for (const name of ['Weekly active users', 'Who comes back (retention)', 'Purchases entered by AI input', 'Purchases by how they came in',
      'What happened to the AI’s proposals', 'Events', 'How fast the app answers']) {
      await page.getByRole('heading', { name, level: 2 }).waitFor();
    }
    await chartsDrawn(page, CHARTS);
    await networkQuiet(page).catch(() => {});
    checkScreen(page, 'metrics (owner)');
    assert.equal(await page.getByRole('radio').count(), 0, 'no switch to all bakeries for an owner');

    // Chart.js came with this route, not with Home.
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js')).map((e) => ({ name: e.name, size: e.decodedBodySize })));
    const chartChunk = loaded.filter((e) => !homeScripts.includes(e.name)).sort((a, b) => b.size - a.size)[0];
    assert.ok(chartChunk && chartChunk.size > 100_000, `the charting library loads on /metrics (${JSON.stringify(chartChunk)})`);
    assert.ok(!homeScripts.includes(chartChunk.name), 'and not on Home');

    // Range and tables: the answer's numbers, in the user's format.
    await page.getByTestId('metrics-range').getByText(/–/).waitFor();
    const last = m.weekly.at(-1);
    const actives = page.getByTestId('table-actives');
    await page.getByTestId('section-actives').getByText('Show the numbers').click();
    const rows = await actives.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, m.weekly.length);
    const busiest = m.weekly.reduce((a, b) => (b.active_users > a.active_users ? b : a));
    const busiestRow = rows[m.weekly.indexOf(busiest)].split('\t').map((s) => s.trim());
    assert.equal(busiestRow[1], en(busiest.active_users), `active users in the week of ${busiest.week}`);
    assert.equal(busiestRow.at(-1), en(busiest.events_planned), 'events planned that week');

    await page.getByTestId('section-retention').getByText('Show the numbers').click();
    const cohort = m.retention[0];
    const cohortRow = (await page.getByTestId('table-retention').locator('tbody tr').first().innerText()).split('\t').map((s) => s.trim());
    assert.equal(cohortRow[1], en(cohort.size), 'the first cohort’s size');
    assert.equal(cohortRow[2], cohort.weeks[0] == null ? 'not yet' : pctText(cohort.weeks[0]), 'its week 1');
    assert.equal(cohortRow[9], cohort.weeks[7] == null ? 'not yet' : pctText(cohort.weeks[7]), 'its week 8');

    if (m.ai_share.share != null) await page.getByTestId('ai-total').getByText(`${pctText(m.ai_share.share)} of ${en(m.ai_share.purchases)} purchases`).waitFor();
    await page.getByTestId('events-planned').getByText(en(m.events.planned), { exact: true }).waitFor();

    const slowest = [...m.operations].sort((a, b) => b.p95_ms - a.p95_ms || a.operation.localeCompare(b.operation))[0];
    const first = (await page.getByTestId('table-latency').locator('tbody tr').first().innerText()).split('\t').map((s) => s.trim());
    assert.equal(first[0], slowest.operation, 'slowest p95 first');
    assert.equal(first[1], en(slowest.calls));
    assert.ok(first[4].startsWith(`${en(slowest.p95_ms)} ms`), `p95 ${first[4]}`);
    if (slowest.p95_ms > 200) assert.ok(first[4].includes('over the target'), 'over the 200 ms target is marked');

    // Your limits: get_quotas's rows (AI readings for the bakery: what is allowed and used, unchanged by reading).
    const q = await api('get_quotas', {}, state.token);
    assert.equal(q.status, 200, JSON.stringify(q.body));
    const readings = q.body.quotas.find((x) => x.what === 'ai_readings' && x.per === 'bakery');
    assert.ok(readings, JSON.stringify(q.body));
    const quotaRows = await page.getByTestId('table-quotas').locator('tbody tr').allInnerTexts();
    assert.equal(quotaRows.length, q.body.quotas.length);
    const row = quotaRows.find((r) => r.includes('AI readings (voice, text, photos)') && r.includes('the bakery'));
    assert.ok(row, quotaRows.join('\n'));
    assert.ok(row.includes(`${en(readings.allowed)} ${readings.window === 'hour' ? 'an hour' : 'a day'}`) && row.includes(`${en(readings.used)} of ${en(readings.allowed)}`), row);

    // The weekly CSV: a sensible name, the answer's values in dot decimals.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-weekly').first().click()]);
    assert.equal(download.suggestedFilename(), `baketracker-metrics-bakery-weekly-${m.from}-to-${m.to}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'week,active_users,active_bakeries,purchases,ai_purchases,ai_share,events_planned');
    assert.equal(lines.length, m.weekly.length + 1);
    const share = (v) => (v == null ? '' : String(v));
    assert.equal(lines.at(-1), [last.week, last.active_users, last.active_bakeries, last.purchases, last.ai_purchases, share(last.ai_share), last.events_planned].join(','));
    const withShare = m.weekly.find((w) => w.ai_share != null && !Number.isInteger(w.ai_share));
    if (withShare) assert.ok(csv.includes(`,${withShare.ai_share},`), `a share in dot decimals (${withShare.ai_share})`);
    // Everything in one file: each section under its name; the slowest operation's line as the answer has it.
    const [all] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-all').click()]);
    assert.equal(all.suggestedFilename(), `baketracker-metrics-bakery-all-${m.from}-to-${m.to}.csv`);
    const everything = readFileSync(await all.path(), 'utf8').split('\r\n');
    for (const section of ['weekly', 'daily', 'retention', 'ai_sources', 'proposals', 'events', 'operations']) assert.ok(everything.includes(`# ${section}`), section);
    const num = (v) => String(Math.round(v * 1e6) / 1e6);
    assert.ok(everything.includes([slowest.operation, slowest.calls, slowest.errors, num(slowest.error_rate), num(slowest.p50_ms), num(slowest.p95_ms)].join(',')), 'the slowest operation');
    checkScreen(page, 'metrics (owner, CSV)');

    await page.getByTestId('section-actives').getByText('Show the numbers').click(); // folded again for the picture
    await page.getByTestId('section-retention').getByText('Show the numbers').click();
    await laptopShot(page, 'metrics-owner');
    await phoneShot(page, 'metrics-phone', 'section-retention');
    await chartsDrawn(page, CHARTS);
    checkScreen(page, 'metrics (owner, phone)');
  } finally {
    await context.close();
  }
});

test('in German: every word translated, numbers and dates in German', async () => {
  const m = state.metrics;
  assert.ok(m, 'needs the answer');
  const context = await browser.newContext({ viewport: LAPTOP, locale: 'de-DE' });
  await watch(context, 'owner (de)');
  try {
    const page = await context.newPage();
    await signIn(page, DEMO, DEMO_PASSWORD, { signIn: 'Anmelden', home: 'Start' });
    await visit(page, '/metrics', () => page.getByRole('heading', { name: 'Aktive Nutzer pro Woche', level: 2 }).waitFor(), 'metrics (de)');
    for (const name of ['Kennzahlen', 'Wer wiederkommt (Bindung)', 'Einkäufe per KI-Eingabe', 'Was aus den Vorschlägen der KI wurde', 'Wie schnell die App antwortet']) {
      await page.getByRole('heading', { name }).waitFor();
    }
    await chartsDrawn(page, CHARTS);
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /\b(metrics|quotas|nav)\.[a-z]/, 'no message key on screen');
    const [d, mo, y] = [m.from.slice(8, 10), m.from.slice(5, 7), m.from.slice(0, 4)];
    assert.ok(text.includes(`${d}.${mo}.${y}`), `the range in German (${m.from})`);
    if (m.ai_share.share != null) {
      const share = new Intl.NumberFormat('de-DE', { style: 'percent', maximumFractionDigits: 1 }).format(Math.round(m.ai_share.share * 1000) / 1000);
      await page.getByTestId('ai-total').getByText(share).waitFor();
    }
    checkScreen(page, 'metrics (de)');
  } finally {
    await context.close();
  }
});

test('a platform admin switches to all bakeries: an aggregate, no bakery named', async () => {
  const c = claims(state.token);
  assert.match(await grantAdmin(), /"admin": true/);
  const token = await idToken(DEMO, DEMO_PASSWORD);
  assert.equal(claims(token).admin, true);
  assert.equal(claims(token).tenant_id, c.tenant_id, 'the bakery claim is kept');
  const platform = await api('get_metrics', { scope: 'platform', weeks: 8 }, token);
  assert.equal(platform.status, 200, JSON.stringify(platform.body).slice(0, 500));
  assert.equal(platform.body.scope, 'platform');
  assert.ok(platform.body.bakeries > 1, `several bakeries (${platform.body.bakeries})`);
  assert.ok(!JSON.stringify(platform.body).includes(c.tenant_id), 'no bakery id in the aggregate');

  const context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US' });
  await watch(context, 'admin');
  try {
    const page = await context.newPage();
    await signIn(page, DEMO, DEMO_PASSWORD);
    await visit(page, '/metrics', () => page.getByRole('heading', { name: 'Weekly active users', level: 2 }).waitFor(), 'metrics (admin, bakery)');
    await page.getByRole('radio', { name: 'All bakeries (aggregate)' }).check();
    await page.getByTestId('metrics-range').getByText(`${en(platform.body.bakeries)} bakeries`).waitFor();
    await chartsDrawn(page, CHARTS);
    await page.getByTestId('section-actives').getByText('Show the numbers').click();
    const header = await page.getByTestId('table-actives').locator('thead').textContent();
    assert.ok(header.includes('Active bakeries'), header);
    await page.getByTestId('events-planned').getByText(en(platform.body.events.planned), { exact: true }).waitFor();
    await networkQuiet(page).catch(() => {});
    checkScreen(page, 'metrics (admin, all bakeries)');
    await page.getByTestId('section-actives').getByText('Show the numbers').click();
    await laptopShot(page, 'metrics-admin');
  } finally {
    await context.close();
  }
});

test('a new bakery: each section without history says so in words', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  await watch(context, 'new owner');
  try {
    const page = await context.newPage();
    await signUp(page, FRESH);
    await createBakery(page, 'E2E Fresh Bakery');
    const m = (await api('get_metrics', {}, await idToken(FRESH, PASSWORD))).body;
    assert.equal(m.scope, 'bakery');
    await visit(page, '/metrics', () => page.getByRole('heading', { name: 'Weekly active users', level: 2 }).waitFor(), 'metrics (new bakery)');
    const empty = {
      'section-actives': [!m.weekly.some((w) => w.active_users > 0 || w.active_bakeries > 0), 'Nobody was active in these weeks.', 'chart-actives'],
      'section-retention': [m.retention.length === 0, 'Nobody signed up in these weeks.', 'chart-retention'],
      'section-ai': [m.ai_share.purchases === 0, 'No purchase recorded in these weeks.', 'chart-ai'],
      'section-proposals': [!m.proposals.some((p) => p.proposed > 0), 'The AI proposed nothing in these weeks.', 'chart-proposals'],
      'section-events': [m.events.planned === 0, 'No event planned in these weeks.', 'events-planned'],
      'section-latency': [!m.operations.some((o) => o.calls > 0), 'No call recorded in these weeks.', 'chart-latency']
    };
    assert.ok(Object.values(empty).some(([none]) => none), 'a new bakery lacks some history');
    for (const [id, [none, words, drawn]] of Object.entries(empty)) {
      const section = page.getByTestId(id);
      assert.equal(await section.getByText(words).count(), none ? 1 : 0, `${id}: "${words}" ${none ? 'shown' : 'not shown'}`);
      if (none) assert.equal(await section.getByTestId(drawn).count(), 0, `${id}: nothing drawn`);
    }
    if (Object.values(empty).every(([none]) => none)) await page.getByText('No history yet. A new bakery has none').waitFor();
    checkScreen(page, 'metrics (new bakery)');
  } finally {
    await context.close();
  }
});

test('a baker has no Metrics entry and is refused on /metrics', async () => {
  const invite = await api('invite_member', { role: 'baker' }, state.token);
  assert.equal(invite.status, 200, JSON.stringify(invite.body));
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  await watch(context, 'baker');
  try {
    const page = await context.newPage();
    await signUp(page, BAKER);
    await page.fill('#code', invite.body.code);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    checkScreen(page, 'home (baker)');
    await visit(page, '/more', () => page.getByRole('link', { name: 'Settings' }).waitFor(), 'more (baker)');
    assert.equal(await page.getByRole('link', { name: 'Metrics' }).count(), 0, 'no Metrics entry');
    await visit(page, '/metrics', () => page.getByTestId('metrics-refused').waitFor(), 'metrics (baker)');
    assert.match(await page.getByTestId('metrics-refused').innerText(), /Only the bakery’s owner sees its metrics/);
    assert.equal(await page.locator('canvas').count(), 0, 'no chart');
    const refused = await api('get_metrics', {}, await idToken(BAKER, PASSWORD));
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
  } finally {
    await context.close();
  }
});
