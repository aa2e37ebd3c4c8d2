// The user's language (this device's choice) and the bakery's units and currency (the owner's choice,
// from get_bakery; the last answer is kept on this device so the app formats the same way offline).
import type { Locale } from './i18n';
import type { UnitSystem } from './i18n/measure';

const KEY = 'baketracker.settings';
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'NZD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'MXN', 'JPY'] as const;
export interface BakerySettings {
  unit_system: UnitSystem;
  currency: string;
}

function initial(): { locale: Locale; bakery: BakerySettings } {
  const fallback: Locale = typeof navigator !== 'undefined' && navigator.language?.toLowerCase().startsWith('de') ? 'de' : 'en';
  const defaults: BakerySettings = { unit_system: 'us', currency: 'USD' };
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    const bakery = saved.bakery && typeof saved.bakery === 'object' ? saved.bakery : {};
    return {
      locale: saved.locale === 'de' || saved.locale === 'en' ? saved.locale : fallback,
      bakery: {
        unit_system: bakery.unit_system === 'metric' ? 'metric' : 'us',
        currency: CURRENCIES.includes(bakery.currency) ? bakery.currency : defaults.currency
      }
    };
  } catch {
    return { locale: fallback, bakery: defaults };
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
  /** The bakery's currency (set by an owner in Settings, the same for every member). */
  get currency(): string {
    return this.#s.bakery.currency;
  }
  /** The bakery's unit system: quantities are shown in US or metric units (display only). */
  get unitSystem(): UnitSystem {
    return this.#s.bakery.unit_system;
  }
  /** What get_bakery or save_bakery_settings answered. */
  applyBakery(bakery: BakerySettings) {
    this.#s.bakery = { unit_system: bakery.unit_system === 'metric' ? 'metric' : 'us', currency: bakery.currency || 'USD' };
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
