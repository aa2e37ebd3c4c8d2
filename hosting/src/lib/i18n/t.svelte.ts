// The current locale's strings and formats, for components (reading settings.locale keeps them reactive).
import { settings } from '../settings.svelte';
import { translate, type MessageKey, type Params } from './index';
import { unitWord } from './units';
import { formatDate, formatMoney, formatNumber, formatPercent, formatQuantity } from './format';

export function t(key: MessageKey, params?: Params): string {
  return translate(settings.locale, key, params);
}
export const fmt = {
  qty: (value: number | string, code: string) => formatQuantity(Number(value), code, settings.locale, settings.unitSystem),
  num: (value: number | string, digits = 2) => formatNumber(Number(value), settings.locale, digits),
  money: (value: number | string) => formatMoney(Number(value), settings.currency, settings.locale),
  /** The bakery's currency as the user's locale writes it ("€", "$", "CHF"). */
  currency: () => new Intl.NumberFormat(settings.locale, { style: 'currency', currency: settings.currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? settings.currency,
  date: (iso: string | null | undefined, style: 'medium' | 'long' | 'short' = 'medium') => formatDate(iso, settings.locale, style),
  pct: (value: number) => formatPercent(value, settings.locale),
  unit: (code: string, plural = false) => unitWord(code, settings.locale, plural),
  /** A moment (ms): the time today, otherwise the day and time ("as of …"). */
  when: (ms: number) => {
    const d = new Date(ms);
    const today = new Date().toDateString() === d.toDateString();
    return new Intl.DateTimeFormat(settings.locale, today ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  }
};
