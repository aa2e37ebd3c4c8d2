import { describe, expect, it } from 'vitest';
import { notDeductedLine, progressOf, progressPercent, progressText, reasonsOf, refusedHeadline, shortageLine, shortagesFrom } from './bake';

// Intl separates numbers from units with no-break spaces; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const names = new Map([['eggs_whole', 'Eggs'], ['milk_whole', 'Whole milk'], ['salt_kosher', 'Kosher salt']]);
const nameOf = (s: string) => names.get(s) ?? s;

// The 409 the demo answers for 1 batch of Candy-Bar Fudge (docs/functions.md shape).
const details = [
  { ingredient: 'eggs_whole', needed: 2, on_hand: 0, short: 2, unit: 'H87' },
  { ingredient: 'milk_whole', needed: 0.25, on_hand: 0, short: 0.25, unit: 'G21' },
  { ingredient: 'flour', needed: 24, on_hand: 20, short: 4, unit: 'G21' },
  { ingredient: 'sugar', needed: 1500, on_hand: 1250.5, short: 249.5, unit: 'GRM' }
];

describe('a refused run (409 insufficient_stock)', () => {
  it('reads every shortage, also an assembly item, and leaves out what is not one', () => {
    const lines = shortagesFrom([...details, { item: 'cookie-tin', needed: 5, on_hand: 3, short: 2, unit: 'H87' }, null, 'x', { ingredient: 'ok', short: 0 }]);
    expect(lines.map((l) => l.name)).toEqual(['eggs_whole', 'milk_whole', 'flour', 'sugar', 'cookie-tin']);
    expect(lines[2]).toEqual({ name: 'flour', needed: 24, onHand: 20, short: 4, unit: 'G21' });
    expect(shortagesFrom(undefined)).toEqual([]);
  });

  it('says each line with need / have / short in units a baker reads (English)', () => {
    const lines = shortagesFrom(details).map((s) => plain(shortageLine(s, 'en', nameOf)));
    expect(lines).toEqual([
      'Eggs: need 2 pieces, have 0 pieces — 2 pieces short',
      'Whole milk: need ¼ cup, have 0 cups — ¼ cup short',
      'flour: need 24 cups, have 20 cups — 4 cups short',
      'sugar: need 1,500 g, have 1,250.5 g — 249.5 g short'
    ]);
    expect(lines.join()).not.toMatch(/H87|G21|GRM/);
  });

  it('says them in German too', () => {
    const lines = shortagesFrom(details).map((s) => plain(shortageLine(s, 'de', nameOf)));
    expect(lines).toEqual([
      'Eggs: gebraucht 2 Stück, da 0 Stück — es fehlen 2 Stück',
      'Whole milk: gebraucht ¼ Tasse, da 0 Tassen — es fehlen ¼ Tasse',
      'flour: gebraucht 24 Tassen, da 20 Tassen — es fehlen 4 Tassen',
      'sugar: gebraucht 1.500 g, da 1.250,5 g — es fehlen 249,5 g'
    ]);
  });

  it('names a slug in words when the catalog is not known yet', () => {
    expect(plain(shortageLine(shortagesFrom(details)[0], 'en'))).toBe('eggs whole: need 2 pieces, have 0 pieces — 2 pieces short');
  });

  it('has a headline in both languages', () => {
    expect(refusedHeadline('Fudge', 'en', 2, 'bake')).toBe('Not recorded: there is not enough in stock for 2 batches of Fudge.');
    expect(refusedHeadline('Fudge', 'en', 1, 'bake')).toBe('Not recorded: there is not enough in stock for 1 batch of Fudge.');
    expect(refusedHeadline('Fudge', 'de', 2, 'bake')).toBe('Nicht eingetragen: Für 2 Ansätze Fudge ist nicht genug auf Lager.');
    expect(refusedHeadline('Cookie Tins', 'de', 5, 'assemble')).toBe('Nicht eingetragen: Für 5 Cookie Tins ist nicht genug auf Lager.');
  });
});

describe('not deducted', () => {
  const salt = {
    ingredient: 'salt_kosher',
    quantity: 2,
    unit: 'G25',
    reason: 'salt_kosher: lot lot-1 is in lb (LBR), which cannot be converted to tsp (G25): no density',
    fix: 'set the density of salt_kosher (1 cup = … oz)',
    lots: ['lot-1']
  };

  it('takes the short reasons out of the functions’ sentence', () => {
    expect(reasonsOf(salt.reason)).toEqual(['no density']);
    expect(reasonsOf(`${salt.reason}; salt_kosher: lot lot-2 is in lb (LBR), which cannot be converted to tsp (G25): no density`)).toEqual(['no density']);
  });

  it('names the ingredient, the quantity, the reason and the fix (English)', () => {
    expect(plain(notDeductedLine(salt, 'en', nameOf))).toBe(
      'Not deducted from stock: Kosher salt (2 tsp) — no density; set the density of Kosher salt (1 cup = … g) in the catalog'
    );
  });

  it('and in German', () => {
    expect(plain(notDeductedLine(salt, 'de', nameOf))).toBe(
      'Nicht vom Vorrat abgebucht: Kosher salt (2 TL) — keine Dichte; trage im Katalog die Dichte von Kosher salt ein (1 Tasse = … g)'
    );
  });

  it('keeps an unknown reason and the functions’ fix as they came; packaging is named by `material`', () => {
    const odd = { material: 'ribbon', quantity: 1.5, unit: 'MTR', reason: 'ribbon: lot lot-9 is in roll (RO): something new', fix: 'stock ribbon in m' };
    expect(plain(notDeductedLine(odd, 'en'))).toBe('Not deducted from stock: ribbon (1.5 m) — something new; stock ribbon in m');
  });
});

describe('progress', () => {
  it('counts completed, remaining and overage, in words as well as a share', () => {
    const p = progressOf({ batches: 4, completed: 1, remaining: 3 });
    expect(p).toEqual({ planned: 4, completed: 1, remaining: 3, overage: 0, state: 'started' });
    expect(progressText(p, 'en')).toBe('1 of 4 batches baked · 3 batches to go');
    expect(progressText(p, 'de')).toBe('1 von 4 Ansätzen gebacken · noch 3 Ansätze');
    expect(progressPercent(p)).toBe(25);

    expect(progressText(progressOf({ batches: 1, completed: 0, remaining: 1 }), 'en')).toBe('0 of 1 batch baked · 1 batch to go');
    const done = progressOf({ batches: 2, completed: 2, remaining: 0 });
    expect(done.state).toBe('done');
    expect(progressText(done, 'en')).toBe('2 of 2 batches baked · all baked ✓');
    const over = progressOf({ batches: 2, completed: 3.5, remaining: 0 });
    expect(over).toMatchObject({ overage: 1.5, state: 'over' });
    expect(progressText(over, 'en')).toBe('3.5 of 2 batches baked · 1.5 batches more than planned');
    expect(progressText(over, 'de')).toBe('3,5 von 2 Ansätzen gebacken · 1,5 Ansätze mehr als geplant');
    expect(progressPercent(over)).toBe(100);
  });

  it('works out what the plan leaves out', () => {
    expect(progressOf({ batches: 3 })).toEqual({ planned: 3, completed: 0, remaining: 3, overage: 0, state: 'todo' });
  });
});
