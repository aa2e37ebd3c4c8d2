#!/usr/bin/env node
// The web app's budget (issue 9): JavaScript shipped for the first screens, and Lighthouse on the plan
// and shopping-list pages of "Winter Market 2026" for the signed-in demo user.
//
// Goals: first-screen JavaScript ≤ 200 kB gzipped (Firebase included); Lighthouse performance and
// accessibility ≥ 90 each (mobile profile). Prints figures; exits 0 unless --strict and a goal is missed.
//
// Run: `make bench`, or
//   (cd benchmarks/pwa && npm ci --ignore-scripts) && node benchmarks/pwa.mjs [--url http://127.0.0.1:8088]
//        [--no-lighthouse] [--no-gzip] [--strict] [--out DIR]
// Without --url it starts the local stack (devstack.run) on a free port and stops it after.
// Needs: hosting/dist built (make install), hosting/node_modules (playwright-core), Debian's chromium.
//
// Sizes: kB = 1000 bytes: each script's decoded body gzipped here with zlib level 9 (what Hosting sends, give
// or take its compression level), whoever served it (the network, the service worker, the memory cache).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROME_PATH || '/usr/bin/chromium';
const EMAIL = 'demo@baketracker.test';
const PASSWORD = 'bake-demo-2026';
const EVENT = 'Winter Market 2026';
const JS_GOAL_KB = 200;
const SCORE_GOAL = 90;

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: node benchmarks/pwa.mjs [--url URL] [--no-lighthouse] [--no-gzip] [--strict] [--out DIR]');
  process.exit(0);
}
const givenUrl = opt('--url');
const runLighthouse = !args.includes('--no-lighthouse');
const strict = args.includes('--strict');

const { chromium } = createRequire(path.join(REPO, 'hosting', 'package.json'))('playwright-core');

const kB = (n) => (n / 1000).toFixed(1);
const mark = (ok) => (ok ? '✓' : '✗');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let missed = false;

// ---------------------------------------------------------------- processes we start, and their cleanup

const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (e) {
      console.error('cleanup:', e.message);
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping…`);
    cleanup().finally(() => process.exit(128 + os.constants.signals[sig]));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function startStack() {
  const port = await freePort();
  const python = path.join(REPO, '.venv', 'bin', 'python');
  console.log(`starting the local stack on port ${port} (devstack.run)…`);
  const child = spawn(python, ['-m', 'devstack.run', '--port', String(port)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const collect = (chunk) => {
    if (log.length < 200_000) log += chunk;
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  cleanups.push(async () => {
    // The stack stops its emulators itself on SIGTERM (docs/local-stack.md, "How the stack stops").
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitExit(child, 30_000))) child.kill('SIGKILL');
    }
    console.log('the local stack is stopped');
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const m = log.match(/Open the app: (http:\/\/\S+?)\/?\s/);
    if (m) return m[1];
    if (child.exitCode !== null) throw new Error(`the stack exited (${child.exitCode}):\n${log}`);
    await sleep(250);
  }
  throw new Error(`the stack did not print its URL within 180 s:\n${log}`);
}

/** A local front that gzips text answers of `base` as Firebase Hosting does (the local gateway sends them
 * uncompressed, which Lighthouse's simulated mobile network then charges in full). Answers its URL. */
async function startGzipFront(base) {
  const target = new URL(base);
  const compressible = /^(text\/|application\/(javascript|json|manifest\+json|xml)|image\/svg\+xml)/;
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        const chunks = [];
        up.on('data', (c) => chunks.push(c));
        up.on('end', () => {
          let body = Buffer.concat(chunks);
          const headers = { ...up.headers };
          const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
          if (accepts && !headers['content-encoding'] && body.length > 256 && compressible.test(headers['content-type'] ?? '')) {
            body = zlib.gzipSync(body, { level: 9 });
            headers['content-encoding'] = 'gzip';
            headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
          }
          if (body.length || headers['content-length']) headers['content-length'] = String(body.length);
          delete headers.connection;
          delete headers['transfer-encoding'];
          res.writeHead(up.statusCode, headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', (e) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${server.address().port}`;
}

// ---------------------------------------------------------------- signing in, finding the event

async function signIn(page, base) {
  const idle = trackIdle(page);
  await page.goto(`${base}/signin`);
  await page.locator('#email').fill(EMAIL);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL((u) => u.pathname === '/', { timeout: 30_000 });
  await idle();
}

async function eventSlug(page, base) {
  await page.goto(`${base}/events`);
  const link = page.locator('a.name', { hasText: EVENT }).first();
  await link.waitFor({ timeout: 30_000 });
  return (await link.getAttribute('href')).split('/').pop();
}

// ---------------------------------------------------------------- first-screen JavaScript

/** Records every JavaScript response of `page` from now on; `done()` answers them once all are read. */
function recordJs(page) {
  const pending = [];
  const onResponse = (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (response.request().resourceType() !== 'script' && !/javascript/.test(type)) return;
    pending.push(
      (async () => {
        const body = await response.body();
        const encoding = response.headers()['content-encoding'];
        // the same measure whatever the server or cache did: the decoded body gzipped here at level 9
        // (a body the service worker or the memory cache answered has no transfer size)
        const gzip = zlib.gzipSync(body, { level: 9 }).length;
        return { url: response.url(), raw: body.length, gzip, encoding: encoding ?? 'none' };
      })().catch(() => null), // a redirect or an aborted response has no body
    );
  };
  page.on('response', onResponse);
  return async () => {
    page.off('response', onResponse);
    const files = (await Promise.all(pending)).filter(Boolean);
    const seen = new Map();
    for (const f of files) seen.set(f.url, f); // a file fetched twice counts once
    return [...seen.values()];
  };
}

/** Resolves once `page` has had no request in flight for `quietMs` (Playwright's 'networkidle' load state
 * is per document: after a client-side navigation it is already reached). */
function trackIdle(page) {
  const inflight = new Set();
  let last = Date.now();
  page.on('request', (r) => {
    // The live-updates listener's Firestore Listen channel stays open for as long as the app is (src/lib/live.svelte.ts).
    if (/\/google\.firestore\.v1\.Firestore\/(Listen|Write)\/channel/.test(r.url())) return;
    inflight.add(r);
    last = Date.now();
  });
  const end = (r) => {
    inflight.delete(r);
    last = Date.now();
  };
  page.on('requestfinished', end);
  page.on('requestfailed', end);
  return async (quietMs = 1000, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (inflight.size === 0 && Date.now() - last >= quietMs) return;
      await sleep(100);
    }
    throw new Error(`the network did not go quiet within ${timeoutMs / 1000} s (${[...inflight].map((r) => r.url()).join(', ')})`);
  };
}

async function coldPage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  page.idle = trackIdle(page);
  return page;
}

function report(label, files, base) {
  const total = files.reduce((n, f) => n + f.gzip, 0);
  const raw = files.reduce((n, f) => n + f.raw, 0);
  const ok = total / 1000 <= JS_GOAL_KB;
  if (!ok) missed = true;
  console.log(`\n${label}: ${files.length} JS files, ${kB(total)} kB gzipped (${kB(raw)} kB raw) — goal ≤ ${JS_GOAL_KB} kB ${mark(ok)}`);
  for (const f of [...files].sort((a, b) => b.gzip - a.gzip)) {
    const name = f.url.startsWith(base) ? f.url.slice(base.length) : f.url;
    console.log(`  ${kB(f.gzip).padStart(7)} kB  (raw ${kB(f.raw).padStart(7)} kB)  ${name}`);
  }
  return { label, files: files.length, gzip_kb: +kB(total), raw_kb: +kB(raw) };
}

async function measureFirstScreens(base) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  cleanups.push(() => browser.close());
  const summary = [];
  let slug;
  try {
    // 1. A new visitor opens `/`: the app sends them to /signin.
    const context = await browser.newContext();
    const page = await coldPage(context);
    let done = recordJs(page);
    await page.goto(`${base}/`);
    await page.locator('#email').waitFor();
    await page.idle();
    const signinFiles = await done();
    summary.push(report('First screen, signed out (/ → /signin)', signinFiles, base));

    // 2. …and signs in: everything loaded from the first request until Home is idle.
    done = recordJs(page);
    await page.locator('#email').fill(EMAIL);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/', { timeout: 30_000 });
    await page.locator('h1').first().waitFor();
    await page.idle();
    const more = await done();
    const known = new Set(signinFiles.map((f) => f.url));
    summary.push(report('Sign-in, then Home (cumulative, same tab)', [...signinFiles, ...more.filter((f) => !known.has(f.url))], base));
    slug = await eventSlug(page, base);
    await page.close();

    // 3. A signed-in user opens the app again (cold HTTP cache): Home, then the plan page.
    for (const [label, route] of [
      ['First screen after sign-in (Home, /)', '/'],
      [`Plan page, cold (/events/${slug}/plan)`, `/events/${slug}/plan`],
    ]) {
      const p = await coldPage(context);
      done = recordJs(p);
      await p.goto(`${base}${route}`);
      await p.locator('h1').first().waitFor();
      await p.idle();
      if (new URL(p.url()).pathname !== route) throw new Error(`${route} ended on ${p.url()} (not signed in?)`);
      const first = await done();
      summary.push(report(label, first, base));
      // What comes after the first screen, not on the way to it: the live-updates listener's SDK (loaded on
      // the first touch or 4 s after opening). Printed apart so the figure above is never read as everything.
      done = recordJs(p);
      await p.mouse.wheel(0, 200); // a baker's first scroll (a wheel event)
      await sleep(1500);
      await p.idle();
      const firstUrls = new Set(first.map((f) => f.url));
      const later = (await done()).filter((f) => !firstUrls.has(f.url));
      const laterKb = later.reduce((n, f) => n + f.gzip, 0);
      console.log(`  later, after the first touch or 4 s (not first-screen): ${later.length} JS files, ${kB(laterKb)} kB gzipped`);
      for (const f of later) console.log(`  ${kB(f.gzip).padStart(7)} kB  ${f.url.startsWith(base) ? f.url.slice(base.length) : f.url}`);
      summary.push({ label: `  …then after first use (${label.split(' (')[0]})`, files: later.length, gzip_kb: +kB(laterKb), raw_kb: +kB(later.reduce((n, f) => n + f.raw, 0)), later: true });
      await p.close();
    }
    await context.close();
  } finally {
    await browser.close();
    cleanups.pop();
  }
  return { summary, slug };
}

// ---------------------------------------------------------------- Lighthouse

async function launchDebuggableChromium() {
  const port = await freePort();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'baketracker-lh-profile-'));
  const child = spawn(
    CHROMIUM,
    [
      '--headless=new',
      '--no-sandbox',
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-extensions',
      'about:blank',
    ],
    { stdio: 'ignore', detached: true }, // its own process group: its renderers stop with it
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      if (!(await waitExit(child, 10_000))) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
        await waitExit(child, 5_000);
      }
    }
    rmSync(profile, { recursive: true, force: true });
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/json/version`);
      if (res.ok) return port;
    } catch {}
    await sleep(200);
  }
  throw new Error('chromium did not open its DevTools port');
}

/** Runs `fn(context)` on the browser's default (persistent) context over CDP, then disconnects. */
async function overCdp(port, fn) {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    return await fn(browser.contexts()[0]);
  } finally {
    await browser.close(); // disconnects; the default context and its storage stay
  }
}

async function lighthouseRuns(origins, slug) {
  const lhEntry = path.join(REPO, 'benchmarks', 'pwa', 'node_modules', 'lighthouse', 'core', 'index.js');
  if (!existsSync(lhEntry)) throw new Error('lighthouse is not installed: (cd benchmarks/pwa && npm ci --ignore-scripts)');
  const { default: lighthouse } = await import(pathToFileURL(lhEntry).href);
  const version = createRequire(lhEntry)('../package.json').version;
  const outDir = opt('--out') ?? mkdtempSync(path.join(os.tmpdir(), 'baketracker-lighthouse-'));
  const port = await launchDebuggableChromium();
  const results = [];
  console.log(`\nLighthouse ${version}, mobile profile (simulated throttling), on ${CHROMIUM} --headless=new; goal ≥ ${SCORE_GOAL} each`);
  for (const { served, base, tag } of origins) {
    // Sign in on this origin in the browser Lighthouse will use (the session lives in IndexedDB).
    await overCdp(port, async (context) => {
      const page = await context.newPage();
      await signIn(page, base);
      await page.close();
    });
    console.log(` served by ${served} (${base})`);
    for (const [name, route] of [
      ['plan', `/events/${slug}/plan`],
      ['shopping', `/events/${slug}/shopping`],
    ]) {
      const url = `${base}${route}`;
      // Storage is kept (disableStorageReset), so empty the HTTP cache ourselves: a cold load.
      await overCdp(port, async (context) => {
        const p = context.pages()[0] ?? (await context.newPage());
        const cdp = await context.newCDPSession(p);
        await cdp.send('Network.clearBrowserCache');
        await cdp.detach();
      });
      const result = await lighthouse(url, {
        port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility'],
        disableStorageReset: true,
      });
      const lhr = result.lhr;
      const file = path.join(outDir, `${name}-${tag}.report.json`);
      writeFileSync(file, result.report);
      if (new URL(lhr.finalDisplayedUrl).pathname !== route) console.log(`  ${name}: ended on ${lhr.finalDisplayedUrl}, not ${url} (not signed in?)`);
      const score = (c) => (lhr.categories[c]?.score == null ? null : Math.round(lhr.categories[c].score * 100));
      const audit = (id) => lhr.audits[id];
      const perf = score('performance');
      const a11y = score('accessibility');
      const okPerf = perf !== null && perf >= SCORE_GOAL;
      const okA11y = a11y !== null && a11y >= SCORE_GOAL;
      if (!okPerf || !okA11y) missed = true;
      const row = {
        page: name,
        served,
        tag,
        performance: perf,
        accessibility: a11y,
        lcp_ms: Math.round(audit('largest-contentful-paint')?.numericValue ?? NaN),
        tbt_ms: Math.round(audit('total-blocking-time')?.numericValue ?? NaN),
        cls: +(audit('cumulative-layout-shift')?.numericValue ?? NaN).toFixed(3),
        fcp_ms: Math.round(audit('first-contentful-paint')?.numericValue ?? NaN),
      };
      results.push(row);
      console.log(
        `  ${name.padEnd(9)} performance ${String(perf).padStart(3)} ${mark(okPerf)}  accessibility ${String(a11y).padStart(3)} ${mark(okA11y)}` +
          `  LCP ${(row.lcp_ms / 1000).toFixed(1)} s  TBT ${row.tbt_ms} ms  CLS ${row.cls}  FCP ${(row.fcp_ms / 1000).toFixed(1)} s`,
      );
      if (lhr.runtimeError) console.log(`    runtime error: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      for (const w of lhr.runWarnings ?? []) console.log(`    warning: ${w}`);

      // Accessibility audits that fail, with their elements: what to fix.
      const failing = lhr.categories.accessibility.auditRefs
        .map((ref) => audit(ref.id))
        .filter((a) => a && a.score !== null && a.score < 1 && !['notApplicable', 'informative', 'manual'].includes(a.scoreDisplayMode));
      for (const a of failing) {
        console.log(`    a11y ✗ ${a.id}: ${a.title}`);
        for (const item of a.details?.items ?? []) {
          const node = item.node ?? {};
          console.log(`        ${node.selector ?? ''}  ${String(node.snippet ?? '').slice(0, 140)}`);
          if (node.explanation) console.log(`          ${node.explanation.split('\n').slice(0, 3).join(' | ')}`);
        }
      }
      // What Lighthouse says would help most (estimated LCP/FCP savings ≥ 150 ms), and the LCP element.
      for (const ref of lhr.categories.performance.auditRefs) {
        const a = audit(ref.id);
        const ms = Math.max(a?.metricSavings?.LCP ?? 0, a?.metricSavings?.FCP ?? 0);
        if (a && a.score !== null && a.score < 0.9 && ms >= 150) console.log(`    perf: ${a.id} — ${a.title} (${a.displayValue ?? ''}, LCP/FCP −${Math.round(ms)} ms)`);
      }
      const lcpNode = (audit('largest-contentful-paint-element') ?? audit('lcp-breakdown-insight'))?.details?.items?.[0]?.items?.[0]?.node
        ?? Object.values(lhr.audits).find((a) => a.id.startsWith('lcp-'))?.details?.items?.find((i) => i.type === 'node');
      if (lcpNode?.snippet) console.log(`    LCP element: ${lcpNode.snippet.slice(0, 120)}`);
    }
  }
  console.log(`  JSON reports: ${outDir}`);
  return results;
}

// ---------------------------------------------------------------- main

async function main() {
  const started = Date.now();
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium, or set CHROME_PATH)`);
  process.env.CHROME_PATH = CHROMIUM;
  const base = (givenUrl ?? (await startStack())).replace(/\/$/, '');
  console.log(`app: ${base}`);
  console.log(`\nJavaScript shipped per screen (gzip -9 of each body when the server does not compress; kB = 1000 bytes)`);
  const { summary, slug } = await measureFirstScreens(base);
  let lh = [];
  if (runLighthouse) {
    const origins = [{ served: 'the local gateway (gzip, as Hosting)', base, tag: 'gateway' }];
    if (!args.includes('--no-gzip')) origins.push({ served: 'a gzip front, as Firebase Hosting compresses', base: await startGzipFront(base), tag: 'gzip' });
    lh = await lighthouseRuns(origins, slug);
  }

  console.log('\nSummary');
  for (const s of summary) console.log(`  ${s.label.padEnd(48)} ${String(s.gzip_kb).padStart(6)} kB gzipped, ${s.files} files ${s.later ? '(after the first screen)' : mark(s.gzip_kb <= JS_GOAL_KB)}`);
  for (const r of lh) console.log(`  Lighthouse ${r.page.padEnd(9)} ${(r.tag === 'gzip' ? 'gzip front (as Hosting)' : 'local gateway (gzips)').padEnd(24)} performance ${r.performance}, accessibility ${r.accessibility}, LCP ${r.lcp_ms} ms, TBT ${r.tbt_ms} ms, CLS ${r.cls}`);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

let status = 0;
try {
  await main();
  if (strict && missed) status = 1;
} catch (e) {
  console.error(e.stack ?? e);
  status = 1;
} finally {
  await cleanup();
}
process.exit(status);
