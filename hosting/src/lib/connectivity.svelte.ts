// Whether the app can reach its server. navigator.onLine alone is not trusted (it says "online" on a
// captive portal or one bar of signal): a failed fetch marks the app offline, any answer marks it online.
class Connectivity {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  private listeners = new Set<() => void>();
  private started = false;

  start(): void {
    if (this.started || typeof window === 'undefined') return;
    this.started = true;
    window.addEventListener('online', () => this.reached(true));
    window.addEventListener('offline', () => (this.online = false));
  }

  /** A request got no answer (or the browser says offline). */
  failed(): void {
    this.online = false;
  }

  /** A request got an answer: back online; whoever waits for the network is told. */
  reached(always = false): void {
    const was = this.online;
    this.online = true;
    if (!was || always) for (const fn of this.listeners) fn();
  }

  /** Called when the network (probably) came back. */
  onBack(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export const connectivity = new Connectivity();
