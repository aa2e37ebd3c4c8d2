// Who is signed in, their bakery and role (from the ID token's custom claims), and the API client.
import type { User } from 'firebase/auth';
import { createApi } from './api';
import { connectivity } from './connectivity.svelte';
import { firebase } from './firebase';
import { forgetAll } from './data';
import type { Role } from './types';

const CLAIMS = 'baketracker.claims';
/** Where src/lib/push.ts keeps this device's FCM token (read here: sign-out unregisters it). */
export const PUSH_TOKEN = 'baketracker.pushToken';
function readPushToken(): string | null {
  try {
    return localStorage.getItem(PUSH_TOKEN);
  } catch {
    return null;
  }
}
function saveClaims(uid: string, tenantId: string | null, role: Role | null): void {
  try {
    localStorage.setItem(CLAIMS, JSON.stringify({ uid, tenantId, role }));
  } catch {
    /* not kept: an offline start then needs the network */
  }
}
function keptClaims(uid: string): { tenantId: string | null; role: Role | null } | null {
  try {
    const kept = JSON.parse(localStorage.getItem(CLAIMS) ?? 'null') as { uid: string; tenantId: string | null; role: Role | null } | null;
    return kept?.uid === uid ? kept : null;
  } catch {
    return null;
  }
}

class Session {
  ready = $state(false);
  user = $state<User | null>(null);
  email = $state<string | null>(null);
  tenantId = $state<string | null>(null);
  role = $state<Role | null>(null);
  /** A platform admin (the token's custom claim `admin: true`, scripts/grant_admin.py): sees all bakeries' metrics. */
  admin = $state(false);
  configError = $state<string | null>(null);

  get canWrite(): boolean {
    return this.role === 'owner' || this.role === 'baker';
  }
  get isOwner(): boolean {
    return this.role === 'owner';
  }

  readonly api = createApi({
    token: () => this.user?.getIdToken() ?? Promise.resolve(null),
    // Any answer means online; no answer (or no answer in time) means offline, whatever navigator.onLine says.
    fetch: async (...args) => {
      try {
        const response = await fetch(...args);
        connectivity.reached();
        return response;
      } catch (e) {
        connectivity.failed();
        throw e;
      }
    }
  });

  private started = false;

  start(): void {
    if (this.started) return;
    this.started = true;
    firebase()
      .then(async ({ auth }) => {
        const { onIdTokenChanged } = await import('firebase/auth');
        onIdTokenChanged(auth, async (user) => {
          this.user = user;
          this.email = user?.email ?? null;
          if (user) {
            try {
              const { claims } = await user.getIdTokenResult();
              this.tenantId = typeof claims.tenant_id === 'string' ? claims.tenant_id : null;
              this.role = (claims.role as Role | undefined) ?? null;
              this.admin = claims.admin === true;
              saveClaims(user.uid, this.tenantId, this.role);
            } catch {
              // Offline with an expired token: the claims last read on this device for this user.
              const kept = keptClaims(user.uid);
              this.tenantId = kept?.tenantId ?? null;
              this.role = kept?.role ?? null;
            }
          } else {
            this.tenantId = null;
            this.role = null;
            this.admin = false;
            forgetAll();
          }
          this.ready = true;
        });
      })
      .catch((e: Error) => {
        this.configError = e.message;
        this.ready = true;
      });
  }

  async signIn(email: string, password: string): Promise<void> {
    const { auth } = await firebase();
    const { signInWithEmailAndPassword } = await import('firebase/auth');
    await signInWithEmailAndPassword(auth, email, password);
  }

  async signUp(email: string, password: string): Promise<void> {
    const { auth } = await firebase();
    const { createUserWithEmailAndPassword } = await import('firebase/auth');
    await createUserWithEmailAndPassword(auth, email, password);
  }

  async resetPassword(email: string): Promise<void> {
    const { auth } = await firebase();
    const { sendPasswordResetEmail } = await import('firebase/auth');
    await sendPasswordResetEmail(auth, email);
  }

  async signOut(): Promise<void> {
    const { auth } = await firebase();
    // This device's web push token (src/lib/push.ts) is removed first, while the ID token still works.
    const pushToken = readPushToken();
    if (pushToken && this.user) {
      await this.api.call('unregister_push_token', { token: pushToken }, { signal: AbortSignal.timeout(5000) }).catch(() => {});
      try {
        localStorage.removeItem(PUSH_TOKEN);
      } catch {
        /* nothing kept */
      }
    }
    await auth.signOut();
  }

  /** After create_tenant / join_tenant / a role change: the new claims are in a fresh token. */
  async refreshClaims(): Promise<void> {
    if (!this.user) return;
    await this.user.getIdToken(true);
    const { claims } = await this.user.getIdTokenResult();
    this.tenantId = typeof claims.tenant_id === 'string' ? claims.tenant_id : null;
    this.role = (claims.role as Role | undefined) ?? null;
    this.admin = claims.admin === true;
    saveClaims(this.user.uid, this.tenantId, this.role);
  }
}

export const session = new Session();
