import { describe, expect, it } from 'vitest';
import { changedCollections, countersOf, invalidations } from './live';

describe('changed collections', () => {
  it('the first snapshot changes nothing (the screens just read what they show)', () => {
    expect(changedCollections(null, { lots: 3, purchases: 3 })).toEqual([]);
  });
  it('names each collection whose counter moved, new ones and ones that went down included', () => {
    expect(changedCollections({ lots: 3, purchases: 3, recipes: 1 }, { lots: 4, purchases: 4, recipes: 1, proposals: 1 })).toEqual(['lots', 'proposals', 'purchases']);
    expect(changedCollections({ lots: 9 }, { lots: 2 })).toEqual(['lots']);
    expect(changedCollections({ lots: 9 }, { lots: 9 })).toEqual([]);
  });
  it('reads the meta/version document leniently', () => {
    expect(countersOf({ tenant_id: 't', version: 7, collections: { lots: 2, purchases: 2, junk: 'x' } })).toEqual({ lots: 2, purchases: 2 });
    expect(countersOf(undefined)).toEqual({});
    expect(countersOf({ collections: null })).toEqual({});
  });
});

describe('what a change means on this device', () => {
  it('a purchase on another phone: the lots in stock and the purchase summaries read again (no purchase is kept); plan, shopping list, inventory, purchases and home refresh', () => {
    expect(invalidations(['lots', 'purchase_summaries', 'purchases'])).toEqual({
      collections: ['lots', 'purchase_summaries'],
      screens: ['plan', 'shopping', 'inventory', 'purchases', 'home']
    });
    // The purchases' counter alone still drops the summaries (the last price per product).
    expect(invalidations(['purchases']).collections).toEqual(['purchase_summaries']);
    expect(invalidations(['purchase_summaries'])).toEqual({ collections: ['purchase_summaries'], screens: ['shopping'] });
  });
  it('no history collection is ever kept whole', () => {
    const { collections } = invalidations(['purchases', 'lots', 'depletions', 'production_runs', 'assembly_runs', 'inventory_adjustments']);
    expect(collections).toEqual(['lots', 'purchase_summaries']); // `lots`: the live query's answer, not the collection
  });
  it('a confirmed proposal (a level set, its proposal stored): inventory and the plans refresh, and the proposals', () => {
    const { collections, screens } = invalidations(['inventory_adjustments', 'lots', 'proposals']);
    expect(collections).toEqual(['lots']);
    expect(screens).toEqual(['plan', 'shopping', 'inventory', 'proposals', 'home']);
  });
  it('a proposal only stored (not confirmed) touches no plan and no kept collection', () => {
    expect(invalidations(['proposals'])).toEqual({ collections: [], screens: ['proposals', 'home'] });
    expect(invalidations(['receipts'])).toEqual({ collections: [], screens: ['proposals'] });
  });
  it('catalog edits refresh the catalog and everything computed from it', () => {
    expect(invalidations(['products'])).toEqual({
      collections: ['products'],
      screens: ['plan', 'shopping', 'inventory', 'purchases', 'home', 'catalog']
    });
    expect(invalidations(['events']).screens).toEqual(['plan', 'shopping', 'home', 'events']);
  });
  it('equipment saved on another device refreshes the plan (mixes and oven loads) and the catalog\'s screens', () => {
    expect(invalidations(['equipment'])).toEqual({ collections: [], screens: ['plan', 'catalog'] });
  });
  it('a collection no screen shows changes nothing', () => {
    expect(invalidations(['idempotency', 'plans'])).toEqual({ collections: [], screens: [] });
    expect(invalidations([])).toEqual({ collections: [], screens: [] });
  });
});
