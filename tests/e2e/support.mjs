// What every end-to-end test file shares: the local stack (started once per file), the Auth and API
// clients a test calls directly, and the browser checks every screen gets (CSP violations, console
// errors, uncaught exceptions) and the screenshots. See app.test.mjs for how the files are run.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const { chromium } = await import(join(REPO, 'hosting', 'node_modules', 'playwright-core', 'index.mjs'));
// As tests/conftest.py: the shared fixtures live beside the repository (../shared).
export const FIXTURES = resolve(process.env.BAKETRACKER_SHARED ?? join(REPO, '..', 'shared'), 'fixtures');
export const SAMPLE = join(FIXTURES, 'desktop', 'sample_data_all.json');
export const PLANS = join(FIXTURES, 'desktop-plans', 'winter_events.json'); // the finished goods and bundles
export const SHOTS = join(REPO, 'docs', 'screenshots');
export const CHROMIUM = process.env.BAKETRACKER_CHROMIUM ?? '/usr/bin/chromium';
export const READY = 'Ctrl-C, SIGTERM or SIGHUP stops everything';
export const PHONE = { width: 390, height: 844 };
export const LAPTOP = { width: 1440, height: 900 };
export const PASSWORD = 'e2e-bake-2026';
export const RUN = Date.now().toString(36);

// ---------------------------------------------------------------- the stack

export const stack = { process: null, output: '', url: '', auth: '', firestore: '', project: 'demo-baketracker' };

export async function startStack() {
  if (process.env.BAKETRACKER_E2E_STACK_LOG) {
    // While writing tests: attach to a stack already running (`python -m devstack.run --port 0 > log`); it is left running.
    stack.output = readFileSync(process.env.BAKETRACKER_E2E_STACK_LOG, 'utf8');
    assert.ok(stack.output.includes(READY), 'that stack is not ready');
    return parseStack();
  }
  const python = join(REPO, '.venv', 'bin', 'python');
  const proc = spawn(python, ['-m', 'devstack.run', '--port', '0'], {
    cwd: REPO,
    env: { ...process.env, BAKETRACKER_SHARED: dirname(FIXTURES) },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  stack.process = proc;
  proc.stdout.on('data', (d) => (stack.output += d));
  proc.stderr.on('data', (d) => (stack.output += d));
  const deadline = Date.now() + 180_000;
  while (!stack.output.includes(READY)) {
    if (proc.exitCode !== null) throw new Error(`the stack exited (${proc.exitCode}):\n${stack.output}`);
    if (Date.now() > deadline) throw new Error(`the stack was not ready in 180 s:\n${stack.output}`);
    await sleep(200);
  }
  parseStack();
}

export function parseStack() {
  stack.url = /Open the app: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stack.output)[1];
  stack.auth = /Auth emulator: (127\.0\.0\.1:\d+)/.exec(stack.output)[1];
  stack.firestore = /Firestore emulator: (127\.0\.0\.1:\d+)/.exec(stack.output)[1];
}

export async function stopStack() {
  const proc = stack.process;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((done) => proc.once('exit', done));
  proc.kill('SIGTERM'); // the stack stops every emulator before it exits
  const code = await Promise.race([exited.then(() => proc.exitCode ?? proc.signalCode), sleep(30_000).then(() => 'timeout')]);
  if (code === 'timeout') {
    proc.kill('SIGKILL'); // its emulators die with it (PR_SET_PDEATHSIG, see devstack.processes)
    await exited;
  }
  assert.ok(code === 143 || code === 'SIGTERM', `the stack stopped with ${code}:\n${stack.output.slice(-2000)}`);
}

// If this process dies without running after(): the stack (and with it its emulators) goes too.
process.on('exit', () => stack.process?.exitCode === null && stack.process.kill('SIGKILL'));

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

export async function until(what, check, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout / 1000} s (last: ${last})`);
    await sleep(300);
  }
}

// ---------------------------------------------------------------- Auth, API and Firestore, as a client would call them

export async function idToken(email, password = PASSWORD) {
  const url = `http://${stack.auth}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`;
  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password, returnSecureToken: true }) });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()).idToken;
}

export const claims = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

export async function api(op, body, token, headers = {}) {
  const r = await fetch(`${stack.url}/api/${op}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body)
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}

export const firestoreDocs = (path) => `http://${stack.firestore}/v1/projects/${stack.project}/databases/(default)/documents/${path}`;

/** Every purchase of a bakery, read as its owner would (the rules apply: a member's token). */
export async function purchases(tenant, token) {
  const r = await fetch(`${firestoreDocs(`tenants/${tenant}/purchases`)}?pageSize=300`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, await r.clone().text());
  return ((await r.json()).documents ?? []).map((d) => ({ id: d.name.split('/').pop(), product_id: d.fields.product_id?.stringValue }));
}

export const cli = promisify(execFile);

// ---------------------------------------------------------------- the browser, and what every screen is checked for

export const screens = []; // every screen checked, for the final report
export const problems = []; // CSP violations, console errors, uncaught exceptions: { who, url, kind, text }
export const net = { offline: false }; // while offline, failed requests are expected (and only those are forgiven)
export const OFFLINE_NOISE = /ERR_INTERNET_DISCONNECTED|Failed to fetch|NetworkError|net::ERR_|offline|Could not reach Cloud Firestore|RPC_ERROR HTTP error has no status/i;

export async function watch(context, who) {
  await context.exposeBinding('__e2eReportCsp', ({ page }, v) => problems.push({ who, url: page.url(), kind: 'csp', text: JSON.stringify(v) }));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // @ts-ignore — the binding exposed above
      window.__e2eReportCsp({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample, disposition: e.disposition });
    });
  });
  const onPage = (page) => {
    trackRequests(page);
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (net.offline && OFFLINE_NOISE.test(m.text())) return;
      problems.push({ who, url: page.url(), kind: /Content Security Policy/i.test(m.text()) ? 'csp' : 'console', text: m.text() });
    });
    page.on('pageerror', (e) => problems.push({ who, url: page.url(), kind: 'exception', text: String(e.stack ?? e) }));
  };
  context.pages().forEach(onPage);
  context.on('page', onPage);
  context.setDefaultTimeout(20_000);
}

/** The screen shown now has no CSP violation, console error or exception (any from before it fails too). */
export function checkScreen(page, name) {
  screens.push(name);
  const found = problems.splice(0);
  assert.deepEqual(found, [], `on ${name} (${page.url()}): ${found.map((p) => `[${p.kind}] ${p.text}`).join('\n')}`);
}

export async function visit(page, path, ready, name) {
  await page.goto(stack.url + path);
  await ready();
  await networkQuiet(page).catch(() => {});
  checkScreen(page, name ?? path);
}

// Playwright's 'networkidle' never comes once the app's live-updates listener is open (its Firestore
// Listen channel is a request that stays open), so watched pages count their own requests in flight,
// leaving out that channel.
const LONG_LIVED = /\/google\.firestore\.v1\.Firestore\/(Listen|Write)\/channel/;
const inflight = new WeakMap(); // page → { open: Set<Request>, last: ms }

function trackRequests(page) {
  const t = { open: new Set(), last: Date.now() };
  inflight.set(page, t);
  page.on('request', (r) => {
    if (LONG_LIVED.test(r.url())) return;
    t.open.add(r);
    t.last = Date.now();
  });
  const done = (r) => {
    if (t.open.delete(r)) t.last = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

/** No request in flight (but the listener's channel) for `quietMs`; Playwright's networkidle for unwatched pages. */
export async function networkQuiet(page, quietMs = 500, timeout = 20_000) {
  const t = inflight.get(page);
  if (!t) return page.waitForLoadState('networkidle', { timeout });
  const deadline = Date.now() + timeout;
  while (!(t.open.size === 0 && Date.now() - t.last >= quietMs)) {
    if (Date.now() > deadline) throw new Error(`the network did not go quiet: ${[...t.open].map((r) => r.url()).join(', ')}`);
    await sleep(50);
  }
}

export async function shoot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  for (const [size, viewport] of [['phone', PHONE], ['laptop', LAPTOP]]) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => document.fonts.ready);
    await sleep(250); // the layout settles (rail ↔ bottom bar)
    await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), animations: 'disabled' });
  }
  await page.setViewportSize(PHONE);
}

export async function signUp(page, email) {
  await page.goto(stack.url + '/');
  await page.waitForURL('**/signin');
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/welcome');
  await page.getByRole('heading', { level: 1 }).waitFor();
  checkScreen(page, 'welcome');
}

export async function createBakery(page, name) {
  await page.fill('#bakery', name);
  await page.getByRole('button', { name: 'Create bakery' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
}


// ---------------------------------------------------------------- starting a file's stack and browser

/** Debian's Chromium, headless (a fresh browser: contexts are incognito). */
export const launchChromium = () => chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });

/** A persistent profile at phone size (an incognito context is never installable). */
export const launchPersistent = (profile) =>
  chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true, viewport: PHONE, locale: 'en-US' });

/** Checks the app is built and the desktop sample is there, then starts the stack while `browserStarting` starts. */
export async function startWith(browserStarting) {
  assert.ok(existsSync(join(REPO, 'hosting', 'dist', 'index.html')), 'the app is not built: run `make install`');
  assert.ok(existsSync(SAMPLE), `the desktop sample is missing: ${SAMPLE}`);
  await startStack();
  return browserStarting;
}
