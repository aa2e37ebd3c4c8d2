import { describe, expect, it } from 'vitest';
import { de } from './de';
import { en } from './en';
import { formatDate, formatMoney, formatQuantity, asFraction } from './format';
import { translate } from './index';
import { describeError } from '../errors';
import { ApiError } from '../api';

// Intl separates numbers from currency and units with no-break spaces; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('dictionaries', () => {
  it('German has every English key, none empty, with the same placeholders', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const german = de[key as keyof typeof en];
      expect(german.trim(), key).not.toBe('');
      const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
      expect(holes(german), key).toBe(holes(text));
      expect(german.includes('|'), key).toBe(text.includes('|'));
    }
  });

  it('chooses plurals by locale and formats numbers in placeholders', () => {
    expect(translate('en', 'plan.batchCount', { count: 1 })).toBe('1 batch');
    expect(translate('en', 'plan.batchCount', { count: 3 })).toBe('3 batches');
    expect(translate('de', 'plan.batchCount', { count: 3 })).toBe('3 Ansätze');
    expect(translate('de', 'plan.unitLine', { needed: 1500, perBatch: 32, produced: 1504 })).toBe('1.500 gebraucht · 32 pro Ansatz · 1.504 gebacken');
  });
});

describe('quantities', () => {
  it('reads kitchen measures as fractions, in words', () => {
    expect(plain(formatQuantity(2.25, 'G21', 'en'))).toBe('2 ¼ cups');
    expect(plain(formatQuantity(2.25, 'G21', 'de'))).toBe('2 ¼ Tassen');
    expect(plain(formatQuantity(0.5, 'G21', 'en'))).toBe('½ cup');
    expect(plain(formatQuantity(1, 'G25', 'de'))).toBe('1 TL');
    expect(plain(formatQuantity(0.333333, 'G24', 'en'))).toBe('⅓ tbsp');
    expect(asFraction(0.998, 'en')).toBe('1');
    expect(asFraction(0.99, 'en')).toBeNull();
    expect(asFraction(0.9, 'en')).toBeNull();
  });

  it('writes decimals by locale and never shows a UN/CEFACT code it knows', () => {
    expect(plain(formatQuantity(1.5, 'KGM', 'en'))).toBe('1.5 kg');
    expect(plain(formatQuantity(1.5, 'KGM', 'de'))).toBe('1,5 kg');
    expect(plain(formatQuantity(0.9, 'G21', 'de'))).toBe('0,9 Tasse');
    expect(plain(formatQuantity(30, 'H87', 'en'))).toBe('30 pieces');
    expect(plain(formatQuantity(30, 'H87', 'de'))).toBe('30 Stück');
    expect(plain(formatQuantity(2, 'BG', 'de'))).toBe('2 Beutel');
    expect(plain(formatQuantity(12.345, 'ONZ', 'en'))).toBe('12.35 oz');
    expect(plain(formatQuantity(3, 'XYZ', 'en'))).toBe('3 XYZ');
  });
});

describe('money and dates', () => {
  it('formats money in the bakery currency by locale', () => {
    expect(plain(formatMoney(1234.5, 'USD', 'en'))).toBe('$1,234.50');
    expect(plain(formatMoney(1234.5, 'EUR', 'de'))).toBe('1.234,50 €');
    expect(plain(formatMoney(9.98, 'USD', 'de'))).toBe('9,98 $');
  });

  it('formats ISO dates as calendar days in the locale', () => {
    expect(formatDate('2026-12-12', 'en', 'long')).toBe('December 12, 2026');
    expect(formatDate('2026-12-12', 'de', 'long')).toBe('12. Dezember 2026');
    expect(formatDate(null, 'en')).toBe('');
  });
});

describe('errors in words', () => {
  it('names the field of a refused request, in the chosen language', () => {
    const error = new ApiError(400, 'invalid', 'Input should be greater than 0', 'packages');
    expect(describeError(error, (k, p) => translate('en', k, p))).toBe('packages: Input should be greater than 0');
    expect(describeError(new ApiError(400, 'invalid', 'unit_price: Input should be greater than 0', 'unit_price'), (k, p) => translate('en', k, p))).toBe('unit_price: Input should be greater than 0');
    expect(describeError(new ApiError(0, 'network', 'x'), (k, p) => translate('de', k, p))).toMatch(/^Keine Verbindung/);
    expect(describeError({ code: 'auth/invalid-credential' }, (k, p) => translate('de', k, p))).toBe('E-Mail oder Passwort stimmt nicht.');
  });
});
