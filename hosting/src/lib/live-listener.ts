// The one Firestore listener live updates need (src/lib/live.svelte.ts imports this module on demand).
// Static, named imports from the full SDK so the bundler keeps only what onSnapshot needs.
import type { FirebaseApp } from 'firebase/app';
import { connectFirestoreEmulator, doc, initializeFirestore, onSnapshot, type Firestore } from 'firebase/firestore';

let db: Firestore | null = null;

/** Listens to tenants/{t}/meta/version; returns the function that stops it. */
export function listenToCounters(
  app: FirebaseApp,
  emulator: { host: string; port: number } | null,
  tenantId: string,
  next: (data: unknown) => void,
  error: (code: string) => void
): () => void {
  if (!db) {
    // Long polling when the network needs it (proxies that buffer WebChannel's streams), detected by the SDK.
    db = initializeFirestore(app, { experimentalAutoDetectLongPolling: true });
    if (emulator) connectFirestoreEmulator(db, emulator.host, emulator.port);
  }
  return onSnapshot(
    doc(db, 'tenants', tenantId, 'meta', 'version'),
    (snap) => next(snap.data()),
    (e) => error(e.code)
  );
}
