// No screen reads a history collection whole (issue 14): a whole read of purchases, lots, depletions, … on a
// five-year bakery is tens of MB on a phone. The types already refuse `readCollection(t, 'purchases')` (data.ts
// `Whole`), but only svelte-check sees types; this test reads the sources, so the build's tests catch it too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { readCollection } from './data';
import { HISTORY } from './history';

// The types (checked by `npm run check`): a catalog collection may be read whole, a history collection not.
type WholeName = Parameters<typeof readCollection>[1];
const catalog: WholeName[] = ['products', 'ingredients', 'suppliers', 'events'];
// @ts-expect-error — purchases are read a page at a time (list_purchases), never whole
const purchases: WholeName = 'purchases';
// @ts-expect-error — lots are read in stock only (readLiveLots)
const lots: WholeName = 'lots';

const SRC = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const names = HISTORY.join('|');
/** readCollection(…, 'purchases'), readDocument(…, 'lots', …): a whole history collection read into memory. */
const WHOLE_READ = new RegExp(`read(Collection|Document)\\s*\\([^)]*?['"\`](${names})['"\`]`, 'g');
/** collection(db, 'tenants', t, 'purchases') with no query around it: the Firestore SDK reading a history collection. */
const RAW_COLLECTION = new RegExp(`collection\\s*\\([^)]*['"\`](${names})['"\`]\\s*\\)`, 'g');

export function offending(text: string): string[] {
  return [...text.matchAll(WHOLE_READ), ...text.matchAll(RAW_COLLECTION)].map((m) => m[0]);
}

describe('no whole read of a history collection', () => {
  it('the names the types allow are the catalog\'s (the @ts-expect-error lines above fail `npm run check` if not)', () => {
    expect(catalog.filter((n) => (HISTORY as readonly string[]).includes(n))).toEqual([]);
    expect([purchases, lots].every((n) => (HISTORY as readonly string[]).includes(n))).toBe(true);
  });
  it('the patterns catch what they are meant to catch (and not the bounded reads)', () => {
    expect(offending(`readCollection(tenant, 'purchases')`)).toHaveLength(1);
    expect(offending(`readCollection(session.tenantId!, "depletions").then(…)`)).toHaveLength(1);
    expect(offending(`readDocument(t, 'lots', id)`)).toHaveLength(1);
    expect(offending("sdk.getDocs(sdk.collection(db, 'tenants', tenantId, 'production_runs'))")).toHaveLength(1);
    expect(offending(`readCollection(tenant, 'products'); readLiveLots(tenant); readPurchaseSummaries(tenant)`)).toEqual([]);
  });
  it('no source file of the app reads one (data.ts reads lots only through the live query, or whole once for an unmarked bakery)', () => {
    const found: string[] = [];
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const hit of offending(text)) found.push(`${relative(SRC, file)}: ${hit}`);
    }
    // The one allowed exception: data.ts's fallback for a bakery whose lots are not all marked `live` yet.
    expect(found.filter((f) => !(f.startsWith('lib/data.ts') && f.includes("collection(db, 'tenants', tenantId, 'lots')")))).toEqual([]);
    expect(found.length).toBeLessThanOrEqual(1);
  });
});
