import { describe, expect, it } from 'vitest';
import { aiVsYou, errorTarget, fieldLabel, fieldRows, formatValue, parseInput, splitFlags, type Formatters } from './review';

const f: Formatters = { money: (v) => `$${v.toFixed(2)}`, num: (v) => String(v), unit: (c) => ({ LBR: 'lb', KGM: 'kg' })[c] ?? c };
const de: Formatters = { money: (v) => `${v.toFixed(2).replace('.', ',')} €`, num: (v) => String(v).replace('.', ','), unit: (c) => ({ LBR: 'lb', KGM: 'kg' })[c] ?? c };

const op = {
  index: 0,
  op: 'add_purchase',
  proposed: { item_name: 'flour', quantity: 2, unit: 'LBR', price: 9.98, product_id: 'p1', alternatives: [{ kind: 'product', key: 'p2', label: 'Other' }] },
  args: { item_name: 'flour', quantity: 5, unit: 'LBR', price: 9.98, product_id: 'p1', alternatives: [] },
  confidence: { item_name: 0.4, quantity: 1, price: 0.95 },
  flags: ["item_name: 'flour' is not matched to one product", 'the date was not said'],
  edited_fields: ['quantity'],
  removed: false,
  problems: [{ field: 'store', reason: 'missing' }, { field: '', reason: 'something else' }]
};

describe('fieldRows', () => {
  const { rows, general, generalProblems } = fieldRows(op);
  const row = (name: string) => rows.find((r) => r.field === name)!;
  it('shows the fields read and set, in reading order, without the catalog keys', () => {
    expect(rows.map((r) => r.field)).toEqual(['item_name', 'quantity', 'unit', 'price', 'store']);
  });
  it('marks edited fields and keeps what the AI read', () => {
    expect(row('quantity')).toMatchObject({ proposed: 2, value: 5, edited: true });
    expect(row('price').edited).toBe(false);
    expect(row('quantity').derived).toBe(false);
  });
  it('marks fields that followed an edit of another field apart from those the baker set', () => {
    const carried = fieldRows({ ...op, args: { ...op.args, packages: 3, quantity: 15 }, proposed: { ...op.proposed, packages: 1 }, edited_fields: ['packages', 'quantity'], derived_fields: ['quantity'] });
    const q = carried.rows.find((r) => r.field === 'quantity')!;
    const p = carried.rows.find((r) => r.field === 'packages')!;
    expect([q.edited, q.derived, p.edited, p.derived]).toEqual([true, true, true, false]);
    expect(aiVsYou('en', q, f)).toBe('AI suggested 2 · now 15, following your change');
    expect(aiVsYou('de', q, de)).toBe('KI schlug 2 vor · jetzt 15, folgt deiner Änderung');
    expect(aiVsYou('en', p, f)).toBe('AI suggested 1 · you set 3');
  });
  it('puts low confidence, flags and problems on their fields', () => {
    expect(row('item_name')).toMatchObject({ low: true, confidence: 0.4, flags: ["'flour' is not matched to one product"] });
    expect(row('price').low).toBe(false);
    expect(row('unit').confidence).toBeNull();
    expect(row('store').problems).toEqual(['missing']);
    expect(general).toEqual(['the date was not said']);
    expect(generalProblems).toEqual(['something else']);
  });
});

describe('AI-vs-you labels', () => {
  it('English', () => {
    expect(aiVsYou('en', { field: 'quantity', proposed: 2, value: 5, edited: true }, f)).toBe('AI suggested 2 · you set 5');
    expect(aiVsYou('en', { field: 'unit', proposed: 'LBR', value: 'LBR', edited: false }, f)).toBe('AI suggested lb');
    expect(aiVsYou('en', { field: 'price', proposed: 9.98, value: 12.5, edited: true }, f)).toBe('AI suggested $9.98 · you set $12.50');
    expect(aiVsYou('en', { field: 'store', proposed: undefined, value: 'Costco', edited: true }, f)).toBe('AI suggested — · you set Costco');
    expect(fieldLabel('en', 'price')).toBe('Price paid');
    expect(fieldLabel('en', 'some_field')).toBe('some field');
  });
  it('German', () => {
    expect(aiVsYou('de', { field: 'price', proposed: 9.98, value: 12.5, edited: true }, de)).toBe('KI schlug 9,98 € vor · du hast 12,50 € gesetzt');
    expect(aiVsYou('de', { field: 'quantity', proposed: 2.5, value: 2.5, edited: false }, de)).toBe('KI schlug 2,5 vor');
    expect(fieldLabel('de', 'price')).toBe('Bezahlt');
  });
});

describe('values and errors', () => {
  it('formats and parses', () => {
    expect(formatValue('price', null, f)).toBe('—');
    expect(formatValue('percentage', 50, f)).toBe('50 %');
    expect(formatValue('purchased_on', '2026-10-26', { ...f, date: (d) => `day ${d.slice(8)}` })).toBe('day 26');
    expect(formatValue('purchased_on', '2026-10-26', f)).toBe('2026-10-26');
    expect(formatValue('store', '2026-10-26', { ...f, date: () => 'x' })).toBe('2026-10-26');
    expect(parseInput(9.98, '12,50')).toBe(12.5);
    expect(parseInput(9.98, '$12.50')).toBe(12.5);
    expect(parseInput('Costco', ' Aldi ')).toBe('Aldi');
    expect(parseInput('Costco', '')).toBeNull();
  });
  it('finds the field an error names', () => {
    expect(errorTarget('operations.2.price')).toEqual({ index: 2, field: 'price' });
    expect(errorTarget('operations.0.items.1.quantity')).toEqual({ index: 0, field: 'items' });
    expect(errorTarget('text')).toBeNull();
  });
  it('splits flags with no field off', () => {
    expect(splitFlags(['x: y', 'no field here'], ['x'])).toEqual({ byField: new Map([['x', ['y']]]), general: ['no field here'] });
  });
});
