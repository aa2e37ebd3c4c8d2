import { describe, expect, it } from 'vitest';
import { formatMoney, formatQuantity } from './format';
import { toSystem } from './measure';
import { problemsByField } from '../catalog-edit';
import { ApiError } from '../api';

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('quantities in the bakery unit system', () => {
  it('metric: US mass and volume become g/kg and ml/l, in both languages', () => {
    expect(plain(formatQuantity(5, 'LBR', 'en', 'metric'))).toBe('2.27 kg');
    expect(plain(formatQuantity(5, 'LBR', 'de', 'metric'))).toBe('2,27 kg');
    expect(plain(formatQuantity(4, 'ONZ', 'en', 'metric'))).toBe('113.4 g');
    expect(plain(formatQuantity(2, 'G21', 'en', 'metric'))).toBe('473.18 ml');
    expect(plain(formatQuantity(6, 'G21', 'de', 'metric'))).toBe('1,42 l');
    expect(plain(formatQuantity(1500, 'GRM', 'de', 'metric'))).toBe('1,5 kg');
    expect(plain(formatQuantity(1, 'G25', 'de', 'metric'))).toBe('1 TL'); // spoons stay spoons
  });

  it('US: metric mass and volume become oz/lb and cups, in both languages', () => {
    expect(plain(formatQuantity(1, 'KGM', 'en', 'us'))).toBe('2.2 lb');
    expect(plain(formatQuantity(100, 'GRM', 'en', 'us'))).toBe('3.53 oz');
    expect(plain(formatQuantity(100, 'GRM', 'de', 'us'))).toBe('3,53 oz');
    expect(plain(formatQuantity(473.176473, 'MLT', 'en', 'us'))).toBe('2 cups');
    expect(plain(formatQuantity(473.176473, 'MLT', 'de', 'us'))).toBe('2 Tassen');
    expect(plain(formatQuantity(2.25, 'G21', 'en', 'us'))).toBe('2 ¼ cups');
  });

  it('never converts between volume and mass, counts or packaging', () => {
    expect(toSystem(2, 'G21', 'us')).toEqual([2, 'G21']);
    expect(toSystem(3, 'H87', 'metric')).toEqual([3, 'H87']);
    expect(toSystem(2, 'BG', 'metric')).toEqual([2, 'BG']);
    const [, massCode] = toSystem(5, 'LBR', 'metric');
    const [, volumeCode] = toSystem(5, 'G21', 'metric');
    expect(massCode).toBe('KGM');
    expect(volumeCode).toBe('LTR');
  });

  it('money in the bakery currency, written the user’s way', () => {
    expect(plain(formatMoney(12.5, 'EUR', 'en'))).toBe('€12.50');
    expect(plain(formatMoney(12.5, 'EUR', 'de'))).toBe('12,50 €');
    expect(plain(formatMoney(12.5, 'USD', 'de'))).toBe('12,50 $');
  });
});

describe('refused saves on their fields', () => {
  it('files each invalid_records problem under entity[index].field', () => {
    const error = new ApiError(400, 'invalid_records', '2 problem(s)', 'package_unit', [
      { entity: 'products', index: 0, field: 'package_unit', message: "unknown unit 'handful'" },
      { entity: 'recipes[0].ingredients', index: 1, field: 'quantity', message: 'must be greater than 0' }
    ]);
    expect(problemsByField(error)).toEqual({
      'products[0].package_unit': "unknown unit 'handful'",
      'recipes[0].ingredients[1].quantity': 'must be greater than 0'
    });
    expect(problemsByField(new ApiError(400, 'invalid', 'bad', 'currency'))).toEqual({ currency: 'bad' });
  });
});
