// Registers /service-worker.js (scope /) and offers "update available" when a new one waits:
// the baker's tap sends SKIP_WAITING, and the page reloads once the new worker controls it.
class Pwa {
  updateReady = $state(false);
  private waiting: ServiceWorker | null = null;
  private started = false;

  start(): void {
    if (this.started || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    this.started = true;
    let reloading = false;
    const hadController = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      // The first install takes control silently (clients.claim); only an update reloads.
      if (!hadController || reloading) return;
      reloading = true;
      location.reload();
    });
    navigator.serviceWorker
      .register('/service-worker.js', { scope: '/', type: import.meta.env.DEV ? 'module' : 'classic' })
      .then((reg) => {
        const offer = (worker: ServiceWorker | null) => {
          if (worker && navigator.serviceWorker.controller) {
            this.waiting = worker;
            this.updateReady = true;
          }
        };
        offer(reg.waiting);
        reg.addEventListener('updatefound', () => {
          const worker = reg.installing;
          worker?.addEventListener('statechange', () => {
            if (worker.state === 'installed') offer(worker);
          });
        });
        // Long-lived tabs (a phone left open in the kitchen) look for a new version every hour.
        setInterval(() => void reg.update().catch(() => {}), 60 * 60 * 1000);
      })
      .catch(() => {
        /* no service worker (private mode, http on another host): the app works online */
      });
  }

  update(): void {
    this.waiting?.postMessage({ type: 'SKIP_WAITING' });
    this.updateReady = false;
  }
}

export const pwa = new Pwa();
