/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The service worker (served at /service-worker.js, scope /): SvelteKit builds it from this file, and
// `$service-worker` lists this build's files, so the precache is generated, not hand-kept.
//  - install: precache the shell `/` (not `/index.html`: with cleanUrls it answers 301), every built
//    file and every static file; it waits (no skipWaiting) until the baker taps "update".
//  - navigations: the cached shell at once (offline too); the network only if it is missing.
//  - /_app/immutable/** and the other precached files: cache first (content-hashed, never change).
//  - /__/firebase/init.json: network first, the kept copy offline.
//  - /api/**, /tasks/**, other methods than GET, other origins: never touched (POSTs go to the network;
//    the page's IndexedDB outbox keeps the writes that could not be sent).
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const SHELL = `baketracker-shell-${version}`;
const RUNTIME = 'baketracker-runtime';
const SHELL_URL = '/';
const PRECACHE = [SHELL_URL, ...build, ...files];
const PRECACHED = new Set(PRECACHE);

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== SHELL && name !== RUNTIME) await caches.delete(name);
      await sw.clients.claim();
    })()
  );
});

sw.addEventListener('message', (event) => {
  if ((event.data as { type?: string })?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

async function cacheFirst(request: Request): Promise<Response> {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(new URL(request.url).pathname.startsWith('/_app/immutable/') ? SHELL : RUNTIME);
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request: Request): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok) await (await caches.open(RUNTIME)).put(request, response.clone());
    return response;
  } catch (e) {
    const hit = await caches.match(request);
    if (hit) return hit;
    throw e;
  }
}

async function shell(request: Request): Promise<Response> {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(SHELL_URL);
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch {
    return (await caches.match(SHELL_URL)) ?? new Response('Offline', { status: 503, headers: { 'Content-Type': 'text/plain' } });
  }
}

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  const path = url.pathname;
  if (path.startsWith('/api/') || path.startsWith('/tasks/')) return;
  if (path === '/__/firebase/init.json') return event.respondWith(networkFirst(request));
  if (path.startsWith('/__/')) return;
  if (request.mode === 'navigate') return event.respondWith(shell(request));
  if (path.startsWith('/_app/immutable/') || PRECACHED.has(path)) return event.respondWith(cacheFirst(request));
});

// Background Sync (Chromium): the network is back while no page may be open — wake the app's tabs,
// which replay their outbox (the writes need the user's ID token, which lives in the page).
sw.addEventListener('sync', ((event: Event & { tag: string; waitUntil(p: Promise<unknown>): void }) => {
  if (event.tag !== 'baketracker-outbox') return;
  event.waitUntil(
    sw.clients.matchAll({ type: 'window' }).then((clients) => {
      for (const client of clients) client.postMessage({ type: 'REPLAY_OUTBOX' });
    })
  );
}) as EventListener);

// Web push (FCM, opt-in in Settings; src/lib/push.svelte.ts): show what arrives, open its link on a tap.
// FCM delivers `{notification: {title, body}, data: {link, tag}}`; the functions send both (adapters/push_sender.py).
sw.addEventListener('push', (event) => {
  let payload: { notification?: { title?: string; body?: string }; data?: Record<string, string> } = {};
  try {
    payload = event.data?.json() ?? {};
  } catch {
    payload = { notification: { title: 'BakeTracker', body: event.data?.text() ?? '' } };
  }
  const data = payload.data ?? {};
  const title = payload.notification?.title ?? data.title ?? 'BakeTracker';
  event.waitUntil(
    sw.registration.showNotification(title, {
      body: payload.notification?.body ?? data.body ?? '',
      icon: '/icons/icon-192.png',
      tag: data.tag,
      data: { link: data.link ?? '/' }
    })
  );
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const link = new URL((event.notification.data as { link?: string } | null)?.link ?? '/', sw.location.origin);
  if (link.origin !== sw.location.origin) return; // only the app's own pages
  event.waitUntil(
    (async () => {
      const open = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const tab = open.find((c) => new URL(c.url).origin === sw.location.origin) as WindowClient | undefined;
      if (tab) {
        await tab.focus();
        await tab.navigate(link.href).catch(() => sw.clients.openWindow(link.href));
      } else {
        await sw.clients.openWindow(link.href);
      }
    })()
  );
});
