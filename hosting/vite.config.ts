/// <reference types="vitest/config" />
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';

// Where /api/<operation> lives while developing: the local gateway (`make demo` prints it).
const gateway = process.env.BAKETRACKER_API ?? 'http://127.0.0.1:8088';

/**
 * `/__/firebase/init.json` tells the app its Firebase project (Firebase Hosting serves this URL in
 * production; the local gateway serves it with an `emulators` field). For `vite dev`/`vite preview`
 * it is answered here when the emulator hosts are in the environment — the same variables the Python
 * side uses — and otherwise proxied to the gateway.
 */
function hostPort(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  return { host: value.slice(0, i), port: Number(value.slice(i + 1)) };
}

function firebaseInit(): Plugin {
  const auth = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  const firestore = process.env.FIRESTORE_EMULATOR_HOST;
  const projectId = process.env.GOOGLE_CLOUD_PROJECT ?? 'demo-baketracker';
  const body = JSON.stringify({
    projectId,
    apiKey: 'fake-api-key',
    authDomain: `${projectId}.firebaseapp.com`,
    // The shape the local gateway serves (functions/gateway.py): firestore as {host, port}.
    emulators: { auth: auth ? `http://${auth}` : undefined, firestore: firestore ? hostPort(firestore) : undefined }
  });
  const serve = (server: { middlewares: { use: (path: string, fn: (req: unknown, res: any) => void) => void } }) => {
    if (!auth || !firestore) return;
    server.middlewares.use('/__/firebase/init.json', (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-store');
      res.end(body);
    });
  };
  return { name: 'baketracker-firebase-init', configureServer: serve, configurePreviewServer: serve };
}

/**
 * Our Content-Security-Policy has `style-src 'self'`: no inline style attributes. SvelteKit's generated
 * root component gives its route announcer (`#svelte-announcer`) a `style="…"`, which Chromium reports
 * as a violation on every page; here it loses the attribute and app.css hides it the same way.
 */
function announcerWithoutInlineStyle(): Plugin {
  return {
    name: 'baketracker-announcer-without-inline-style',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('.svelte-kit/generated/root.svelte')) return null;
      const out = code.replace(/(<div id="svelte-announcer"[^>]*?)\s+style="[^"]*"/, '$1');
      if (out === code && code.includes('svelte-announcer')) this.warn('the route announcer changed shape: check it for an inline style');
      return { code: out, map: null };
    }
  };
}

const proxy = {
  '/api': { target: gateway, changeOrigin: false },
  '/__': { target: gateway, changeOrigin: false }
};

export default defineConfig({
  plugins: [firebaseInit(), announcerWithoutInlineStyle(), sveltekit()],
  server: { host: '127.0.0.1', proxy },
  preview: { host: '127.0.0.1', proxy },
  build: { target: 'es2022', reportCompressedSize: false },
  test: { include: ['src/**/*.test.ts'], environment: 'node' }
});
