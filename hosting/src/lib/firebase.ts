// Firebase: the project comes from /__/firebase/init.json (Firebase Hosting serves it in production;
// the local gateway, or vite.config.ts while developing, serves it with the emulators' hosts).
// Auth is initialised with IndexedDB persistence only (initializeAuth, not getAuth): getAuth also
// installs the popup/redirect resolver, which loads gapi and an iframe on mobile browsers — blocked by
// our Content-Security-Policy and not needed for email and password.
import { initializeApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, indexedDBLocalPersistence, initializeAuth, type Auth } from 'firebase/auth';

export interface FirebaseInit {
  projectId: string;
  apiKey: string;
  authDomain?: string;
  appId?: string;
  messagingSenderId?: string;
  /** Web push (FCM): the VAPID public key; without it push is not configured on this server (src/lib/push.ts). */
  vapidKey?: string;
  /** Only locally: `{auth: "http://127.0.0.1:9099", firestore: {host: "127.0.0.1", port: 8080}}`. */
  emulators?: { auth?: string; firestore?: { host: string; port: number } };
}

let started: Promise<{ app: FirebaseApp; auth: Auth; init: FirebaseInit }> | null = null;

const SAVED = 'baketracker.firebaseInit';

/**
 * The web config. The last one read is kept on the device, so the app still starts with no network
 * (the service worker also keeps a copy of the URL's answer).
 */
export async function loadInit(fetcher: typeof fetch = fetch, storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null): Promise<FirebaseInit> {
  try {
    const response = await fetcher('/__/firebase/init.json', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`/__/firebase/init.json answered ${response.status}`);
    const init = (await response.json()) as FirebaseInit;
    try {
      storage?.setItem(SAVED, JSON.stringify(init));
    } catch {
      /* private mode, quota: the next start needs the network */
    }
    return init;
  } catch (e) {
    const saved = storage?.getItem(SAVED);
    if (saved) return JSON.parse(saved) as FirebaseInit;
    throw e;
  }
}

/** `{host, port}` as the gateway serves it; an older "host:port" string is still understood. */
export function firestoreEmulator(init: FirebaseInit): { host: string; port: number } | null {
  const value = init.emulators?.firestore as { host: string; port: number | string } | string | undefined;
  if (!value) return null;
  if (typeof value === 'string') {
    const i = value.lastIndexOf(':');
    return { host: value.slice(0, i), port: Number(value.slice(i + 1)) };
  }
  return { host: value.host, port: Number(value.port) };
}

export function firebase() {
  started ??= loadInit().then((init) => {
    const app = initializeApp({ apiKey: init.apiKey, authDomain: init.authDomain, projectId: init.projectId, appId: init.appId, messagingSenderId: init.messagingSenderId });
    const auth = initializeAuth(app, { persistence: indexedDBLocalPersistence });
    if (init.emulators?.auth) connectAuthEmulator(auth, init.emulators.auth, { disableWarnings: true });
    return { app, auth, init };
  });
  started.catch(() => (started = null));
  return started;
}
