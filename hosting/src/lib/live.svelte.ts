// Live updates between devices of one bakery: ONE Firestore listener, on tenants/{t}/meta/version (the
// per-collection write counters every commit increments; firestore.rules lets members read it). When a
// counter moves, the kept copies of that collection are dropped (data.ts `invalidate`) and the screens
// showing it are told (`live.version.<screen>`, which their $effects read, as they read sync.savedVersion),
// so they read again through the API client — with no reload, within a moment of the other device's write.
//
// The listener needs the full Firestore SDK (live-listener.ts: 130 kB gzipped, 433 kB raw, on top of the lite
// SDK data.ts reads with), so it is loaded after the first screen: on the baker's first touch, key or scroll,
// or 4 s after the app opened, whichever comes first (then when the browser is idle) — never on the way to
// the first paint. Nothing is missed meanwhile: the counters of the last snapshot are kept on the device, so
// the first snapshot re-reads whatever changed since (on another device, or while this one was closed).
// Cost: one document read when it starts, and one per write of the bakery (the counters' document); plus the
// re-reads of whatever the changed screens show. It stops on sign-out, restarts on a bakery switch, and
// while offline it just waits (the SDK reconnects and delivers the latest counters).
import { firebase, firestoreEmulator } from './firebase';
import { invalidate } from './data';
import { changedCollections, countersOf, invalidations, SCREENS, type Counters, type Screen } from './live';

const idle = (fn: () => void) =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 1500 }) : setTimeout(fn, 300);

/** `fn` once, on the first interaction or after `ms`, whichever comes first, then when idle. */
function afterFirstUse(fn: () => void, ms = 4000): void {
  const events = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const; // not 'scroll': a page scrolls itself too
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    for (const e of events) removeEventListener(e, go, true);
    idle(fn);
  };
  const timer = setTimeout(go, ms);
  for (const e of events) addEventListener(e, go, { capture: true, passive: true, once: true });
}

const SAVED = (tenant: string) => `baketracker.live.${tenant}`;

/** The counters of the last snapshot this device saw for the bakery (what its kept data corresponds to). */
function savedCounters(tenant: string): Counters | null {
  try {
    const text = localStorage.getItem(SAVED(tenant));
    return text ? countersOf({ collections: JSON.parse(text) }) : null;
  } catch {
    return null;
  }
}

function saveCounters(tenant: string, counters: Counters): void {
  try {
    localStorage.setItem(SAVED(tenant), JSON.stringify(counters));
  } catch {
    /* private mode, quota: the next start re-reads nothing it missed, as before */
  }
}

class Live {
  /** Bumped per screen when another device (or this one) wrote what it shows. */
  version = $state<Record<Screen, number>>(Object.fromEntries(SCREENS.map((s) => [s, 0])) as Record<Screen, number>);
  /** off (signed out), starting, live (listening), error (refused: e.g. no longer a member). */
  status = $state<'off' | 'starting' | 'live' | 'error'>('off');
  /** When the last change arrived (ms since the epoch), and which collections it named. */
  lastChange = $state<{ at: number; collections: string[] } | null>(null);

  private tenant: string | null = null;
  private unsubscribe: (() => void) | null = null;
  private counters: Counters | null = null;
  private generation = 0;

  /** Listen to this bakery (null: stop). Called by the layout whenever the signed-in bakery changes. */
  follow(tenantId: string | null): void {
    if (tenantId === this.tenant) return;
    this.stop();
    this.tenant = tenantId;
    if (!tenantId || typeof window === 'undefined') return;
    const mine = ++this.generation;
    this.status = 'starting';
    this.counters = savedCounters(tenantId);
    afterFirstUse(() => void this.listen(tenantId, mine));
  }

  private async listen(tenantId: string, mine: number): Promise<void> {
    try {
      const [{ listenToCounters }, { app, init }] = await Promise.all([import('./live-listener'), firebase()]);
      if (mine !== this.generation) return; // signed out or switched meanwhile
      this.unsubscribe = listenToCounters(
        app,
        firestoreEmulator(init),
        tenantId,
        (data) => {
          if (mine !== this.generation) return;
          this.status = 'live';
          document.documentElement.dataset.live = 'on'; // for the e2e tests: the listener has its first snapshot
          this.apply(countersOf(data));
        },
        (code) => {
          // permission-denied (removed, or the token's claims are stale): stop; a bakery switch restarts it
          if (mine !== this.generation) return;
          this.status = 'error';
          console.warn(`live updates stopped: ${code}`);
        }
      );
    } catch (e) {
      if (mine === this.generation) this.status = 'error';
      console.warn('live updates are not available:', e);
    }
  }

  /** A new snapshot of the counters: what moved is read again. */
  apply(counters: Counters): void {
    const changed = changedCollections(this.counters, counters);
    this.counters = counters;
    if (this.tenant) saveCounters(this.tenant, counters);
    if (changed.length === 0) return;
    const { collections, screens } = invalidations(changed);
    if (collections.length) invalidate(...collections);
    for (const s of screens) this.version[s]++;
    this.lastChange = { at: Date.now(), collections: changed };
  }

  stop(): void {
    this.generation++;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.counters = null;
    this.tenant = null;
    this.status = 'off';
    if (typeof document !== 'undefined') delete document.documentElement.dataset.live;
  }
}

export const live = new Live();
