// One mechanism for every string: typed keys, English and German, plurals by Intl.PluralRules.
import { de } from './de';
import { en, type MessageKey, type Messages } from './en';

export type Locale = 'en' | 'de';
export type { MessageKey };
export const LOCALES: Locale[] = ['en', 'de'];
export const MESSAGES: Record<Locale, Messages> = { en, de };
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

export type Params = Record<string, string | number>;

const plurals = new Map<Locale, Intl.PluralRules>();

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  let text: string = MESSAGES[locale][key] ?? en[key] ?? key;
  if (text.includes('|')) {
    const [one, other] = text.split('|');
    const count = Number(params.count ?? 0);
    let rules = plurals.get(locale);
    if (!rules) plurals.set(locale, (rules = new Intl.PluralRules(locale)));
    text = rules.select(count) === 'one' ? one : other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value) : value;
  });
}
