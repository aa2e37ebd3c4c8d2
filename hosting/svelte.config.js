import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // A single-page app: every path falls back to index.html (firebase.json rewrites `**` to it).
    adapter: adapter({ pages: 'dist', assets: 'dist', fallback: 'index.html', precompress: false, strict: true }),
    // Kit's default: firebase.json gives /_app/immutable/** its year-long immutable Cache-Control.
    appDir: '_app',
    output: { bundleStrategy: 'split' },
    // The page's own CSP (a <meta>, matching the header firebase.json sends): the inline bootstrap by hash.
    csp: { mode: 'hash', directives: { 'script-src': ['self'] } },
    // src/service-worker.ts is built to /service-worker.js; the app registers it itself
    // (src/lib/pwa.svelte.ts) to offer "update available".
    serviceWorker: { register: false }
  }
};
