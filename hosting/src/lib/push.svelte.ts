// Opt-in web push (Firebase Cloud Messaging): "Receipt read — 6 items to review", "Spring Fair in 3 days:
// still short of butter, eggs …". The baker turns it on in Settings: the browser asks for permission, the
// FCM SDK (firebase/messaging, loaded only then) subscribes our own service worker with the server's VAPID
// key and gives a token, which register_push_token keeps for this member. Turning it off (or signing out,
// session.svelte.ts) unregisters it. The service worker (src/service-worker.ts) shows what arrives and opens
// its link on a tap. Without a VAPID key in the web config (/__/firebase/init.json `vapidKey`), push is not
// configured on this server — as on the local stack — and the toggle says so instead of failing.
import { firebase } from './firebase';
import { PUSH_TOKEN, session } from './session.svelte';

export type PushState = 'checking' | 'unsupported' | 'unconfigured' | 'denied' | 'off' | 'on' | 'busy';

function kept(): string | null {
  try {
    return localStorage.getItem(PUSH_TOKEN);
  } catch {
    return null;
  }
}
function keep(token: string | null): void {
  try {
    if (token) localStorage.setItem(PUSH_TOKEN, token);
    else localStorage.removeItem(PUSH_TOKEN);
  } catch {
    /* private mode: the next sign-out cannot unregister; the server drops the token when FCM says it is gone */
  }
}

function supported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window && 'serviceWorker' in navigator && 'PushManager' in window;
}

class Push {
  state = $state<PushState>('checking');
  error = $state('');

  async check(): Promise<void> {
    if (!supported()) return void (this.state = 'unsupported');
    const { init } = await firebase();
    if (!init.vapidKey) return void (this.state = 'unconfigured');
    if (Notification.permission === 'denied') return void (this.state = 'denied');
    this.state = kept() && Notification.permission === 'granted' ? 'on' : 'off';
  }

  async enable(locale: string): Promise<void> {
    this.error = '';
    const { app, init } = await firebase();
    if (!init.vapidKey) return void (this.state = 'unconfigured');
    this.state = 'busy';
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') return void (this.state = permission === 'denied' ? 'denied' : 'off');
      // The app registers its service worker itself (pwa.svelte.ts); if it never becomes ready, say so.
      const ready = Promise.race([
        navigator.serviceWorker.ready,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the service worker is not running')), 10_000))
      ]);
      const [{ getMessaging, getToken }, registration] = await Promise.all([import('firebase/messaging'), ready]);
      const token = await getToken(getMessaging(app), { vapidKey: init.vapidKey, serviceWorkerRegistration: registration });
      await session.api.call('register_push_token', { token, locale: locale === 'de' ? 'de' : 'en' });
      keep(token);
      this.state = 'on';
    } catch (e) {
      this.error = (e as Error).message ?? String(e);
      this.state = 'off';
    }
  }

  async disable(): Promise<void> {
    this.error = '';
    const token = kept();
    this.state = 'busy';
    try {
      if (token) await session.api.call('unregister_push_token', { token });
      keep(null);
      const { app } = await firebase();
      const { getMessaging, deleteToken } = await import('firebase/messaging');
      await deleteToken(getMessaging(app)).catch(() => false);
      this.state = 'off';
    } catch (e) {
      this.error = (e as Error).message ?? String(e);
      this.state = token ? 'on' : 'off';
    }
  }
}

export const push = new Push();
