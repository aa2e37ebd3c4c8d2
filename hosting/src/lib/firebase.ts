// Firebase: the project comes from /__/firebase/init.json (Firebase Hosting serves it in production;
// the local gateway, or vite.config.ts while developing, serves it with the emulators' hosts).
import { initializeApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, type Auth } from 'firebase/auth';

export interface FirebaseInit {
  projectId: string;
  apiKey: string;
  authDomain?: string;
  appId?: string;
  /** Only locally: `{auth: "http://127.0.0.1:9099", firestore: "127.0.0.1:8080"}`. */
  emulators?: { auth?: string; firestore?: string };
}

let started: Promise<{ app: FirebaseApp; auth: Auth; init: FirebaseInit }> | null = null;

export async function loadInit(fetcher: typeof fetch = fetch): Promise<FirebaseInit> {
  const response = await fetcher('/__/firebase/init.json', { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`/__/firebase/init.json answered ${response.status}`);
  return (await response.json()) as FirebaseInit;
}

export function firebase() {
  started ??= loadInit().then((init) => {
    const app = initializeApp({ apiKey: init.apiKey, authDomain: init.authDomain, projectId: init.projectId, appId: init.appId });
    const auth = getAuth(app);
    if (init.emulators?.auth) connectAuthEmulator(auth, init.emulators.auth, { disableWarnings: true });
    return { app, auth, init };
  });
  return started;
}
