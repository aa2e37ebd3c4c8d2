import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { equipmentProblems, mixesText, ovenText, parseAmount, percentOrNull, toForms, toRecords } from './beyond';
import { translate, type MessageKey, type Params } from './i18n';
import { formatNumber } from './i18n/format';
import type { PlanMixes } from './types';

const en = (key: MessageKey, params?: Params) => translate('en', key, params);
const de = (key: MessageKey, params?: Params) => translate('de', key, params);
const num = (n: number) => formatNumber(n, 'en');
const mix = (over: Partial<PlanMixes>): PlanMixes => ({
  mixer: 'hobart', mixer_name: '20-qt Hobart', capacity: 20, capacity_unit: 'QTL', batch_size: 8, batch_unit: 'QTL', count: 2,
  batches_per_mix: 2, whole_batches: true, split_into: 1, mixes: [2, 2], text: '', ...over
});

describe('mixes and oven loads in words', () => {
  it('says what the functions say, in English', () => {
    expect(mixesText(mix({}), en, num)).toBe('4 batches → 2 mixes of 2 in the 20-qt Hobart');
    expect(mixesText(mix({ count: 1, mixes: [2] }), en, num)).toBe('2 batches → 1 mix of 2 in the 20-qt Hobart');
    expect(ovenText({ oven: 'deck', oven_name: 'Deck oven', pans_per_batch: 1.5, pans: 6, pans_per_load: 4, count: 2, text: '' }, en, num))
      .toBe('6 pans → 2 oven loads in the Deck oven (4 pans a load)');
  });
  it('shares uneven mixes out and names split batches', () => {
    expect(mixesText(mix({ batches_per_mix: 3, mixes: [3, 2] }), en, num)).toBe('5 batches → 2 mixes (3 + 2) in the 20-qt Hobart');
    expect(mixesText(mix({ whole_batches: false, split_into: 2, count: 2, mixes: [0.5, 0.5], batches_per_mix: 0.5 }), en, num))
      .toBe('1 batch → 2 mixes of 0.5 batch in the 20-qt Hobart (each batch split into 2)');
  });
  it('and in German', () => {
    expect(mixesText(mix({}), de, (n) => formatNumber(n, 'de'))).toBe('4 Ansätze → 2 Mischungen zu 2 in der 20-qt Hobart');
  });
});

describe('the amount a baker types', () => {
  it('reads decimals with a point or a comma, fractions and kitchen glyphs', () => {
    expect(parseAmount('3')).toBe(3);
    expect(parseAmount('1,5')).toBe(1.5);
    expect(parseAmount(' 1.25 ')).toBe(1.25);
    expect(parseAmount('3/4')).toBe(0.75);
    expect(parseAmount('1 1/2')).toBe(1.5);
    expect(parseAmount('2 ½')).toBe(2.5);
    expect(parseAmount('½')).toBe(0.5);
  });
  it('refuses what is no amount', () => {
    for (const bad of ['', 'abc', '1.2.3', '3 lb', '-2', '1/2½']) expect(parseAmount(bad)).toBeNull();
  });
  it('a percentage field: empty is none, a number is sent as one, anything else as typed', () => {
    expect(percentOrNull('')).toBeNull();
    expect(percentOrNull('12,5')).toBe(12.5);
    expect(percentOrNull('lots')).toBe('lots');
  });
});

describe('the equipment form', () => {
  const exported = [
    { slug: 'deck', name: 'Deck oven', kind: 'oven' as const, pans_per_load: 4, recipes: [{ recipe_slug: 'cookies', pans_per_batch: 1.5 }] },
    { slug: 'hobart', name: '20-qt Hobart', kind: 'mixer' as const, capacity: 20, capacity_unit: 'qt', recipes: [{ recipe_slug: 'cookies', batch_size: 8, batch_unit: 'qt' }] }
  ];
  it('goes from the export to the form and back unchanged', () => {
    expect(toRecords(toForms(exported))).toEqual(exported);
  });
  it('sends numbers typed with a comma as numbers, bad ones as typed, and drops lines without a recipe', () => {
    const [oven, mixer] = toForms(exported);
    mixer.capacity = '12,5';
    mixer.uses.push({ recipe_slug: '', amount: '3', unit: 'qt' });
    oven.pans_per_load = 'four';
    const [o, m] = toRecords([oven, mixer]);
    expect(m).toMatchObject({ capacity: 12.5, recipes: [{ recipe_slug: 'cookies', batch_size: 8, batch_unit: 'qt' }] });
    expect(o.pans_per_load).toBe('four');
  });
  it('a new mixer has no slug (the functions give it one); a codes unit reads as its word', () => {
    const [f] = toForms([{ name: 'Kitchen Aid', kind: 'mixer', capacity: 5, capacity_unit: 'QTL', recipes: [] }]);
    expect(f.capacity_unit).toBe('qt');
    expect(toRecords([f])[0]).toEqual({ name: 'Kitchen Aid', kind: 'mixer', capacity: 5, capacity_unit: 'qt', recipes: [] });
  });
  it('files each problem of a refused save under the input it names', () => {
    const e = new ApiError(400, 'invalid_records', '1 problem(s); nothing was saved', 'batch_unit', [
      { entity: 'equipment', index: 1, field: 'batch_unit', message: 'cannot compare kg with qt' },
      { entity: 'equipment', index: 0, field: 'pans_per_load', message: 'a whole number' }
    ]);
    expect(equipmentProblems(e)).toEqual({ '1.uses': 'cannot compare kg with qt', '0.pans_per_load': 'a whole number' });
    expect(equipmentProblems(new ApiError(403, 'forbidden', 'viewers cannot', null))).toEqual({ '': 'viewers cannot' });
  });
});
