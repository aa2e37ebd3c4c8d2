// Numbers, quantities, money and dates by locale. Pure functions: the locale is an argument.
import type { Locale } from './index';
import { toSystem, type UnitSystem } from './measure';
import { FRACTION_UNITS, unitWord } from './units';

const FRACTIONS: [number, string][] = [
  [1 / 8, '⅛'], [1 / 4, '¼'], [1 / 3, '⅓'], [3 / 8, '⅜'], [1 / 2, '½'],
  [5 / 8, '⅝'], [2 / 3, '⅔'], [3 / 4, '¾'], [7 / 8, '⅞']
];
const TOLERANCE = 0.01;

const numberFormats = new Map<string, Intl.NumberFormat>();
function nf(locale: Locale, maxDigits: number): Intl.NumberFormat {
  const key = `${locale}:${maxDigits}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: maxDigits })));
  return f;
}

export function formatNumber(value: number, locale: Locale, maxDigits = 2): string {
  return nf(locale, maxDigits).format(value);
}

/** "2 ¼" when the value is that close to a kitchen fraction, else null. */
export function asFraction(value: number, locale: Locale): string | null {
  if (!(value > 0)) return null;
  const whole = Math.floor(value + TOLERANCE);
  const rest = value - whole;
  if (Math.abs(rest) < TOLERANCE) return formatNumber(whole, locale, 0);
  for (const [f, glyph] of FRACTIONS) {
    if (Math.abs(rest - f) < TOLERANCE) return whole === 0 ? glyph : `${formatNumber(whole, locale, 0)} ${glyph}`;
  }
  return null;
}

/** A quantity the baker reads: "2 ¼ cups", "1,5 kg", "30 Stück"; never a UN/CEFACT code.
 *  With a unit system, mass and volume are first shown in that system's units (measure.ts). */
export function formatQuantity(value: number, code: string, locale: Locale, system?: UnitSystem): string {
  if (system) [value, code] = toSystem(value, code, system);
  const number = (FRACTION_UNITS.has(code) && asFraction(value, locale)) || formatNumber(value, locale, code === 'H87' ? 0 : 2);
  const plural = !(Math.abs(value) > 0 && Math.abs(value) <= 1); // "0 cups", "¼ cup", "1 cup", "2 cups"
  return `${number}\u00a0${unitWord(code, locale, plural)}`;
}

/** A package size: "5 lb", "2,4 oz". */
export function formatPackage(size: number | undefined, code: string | undefined, locale: Locale): string {
  if (size == null || !code) return '';
  return formatQuantity(size, code, locale);
}

export function formatMoney(amount: number, currency: string, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
}

/** An ISO date ("2026-12-12") as the user's locale writes it, read as a calendar day (no time zone shift). */
export function formatDate(iso: string | null | undefined, locale: Locale, style: 'medium' | 'long' | 'short' = 'medium'): string {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: style }).format(new Date(y, m - 1, d));
}

export function formatPercent(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
}

/** Today as an ISO date in the user's time zone (what `purchased_on` means to the baker). */
export function todayIso(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
