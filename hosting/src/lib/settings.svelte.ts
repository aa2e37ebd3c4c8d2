// The user's language and the bakery's currency, kept on this device.
import type { Locale } from './i18n';

const KEY = 'baketracker.settings';

function initial(): { locale: Locale; currency: string } {
  const fallback: Locale = typeof navigator !== 'undefined' && navigator.language?.toLowerCase().startsWith('de') ? 'de' : 'en';
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return { locale: saved.locale === 'de' || saved.locale === 'en' ? saved.locale : fallback, currency: saved.currency ?? (fallback === 'de' ? 'EUR' : 'USD') };
  } catch {
    return { locale: fallback, currency: fallback === 'de' ? 'EUR' : 'USD' };
  }
}

class Settings {
  #s = $state(initial());
  get locale(): Locale {
    return this.#s.locale;
  }
  set locale(value: Locale) {
    this.#s.locale = value;
    this.#save();
  }
  get currency(): string {
    return this.#s.currency;
  }
  set currency(value: string) {
    this.#s.currency = value;
    this.#save();
  }
  #save() {
    try {
      localStorage.setItem(KEY, JSON.stringify(this.#s));
    } catch {
      /* private mode */
    }
    if (typeof document !== 'undefined') document.documentElement.lang = this.#s.locale;
  }
}

export const settings = new Settings();
