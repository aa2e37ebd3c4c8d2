// German strings for the purchase history a page at a time (merged into de.ts).
import type { purchasesEn } from './purchases.en';

export const purchasesDe: Record<keyof typeof purchasesEn, string> = {
  'buy.more': 'Mehr anzeigen',
  'buy.loadingMore': 'Ältere Einkäufe werden geladen…',
  'buy.shown': '{count} Einkauf angezeigt|{count} Einkäufe angezeigt',
  'buy.allShown': 'Das sind alle Einkäufe.',
  'buy.historyOf': 'Einkäufe von {product}',
  'buy.allProducts': 'Alle Produkte',
  'buy.moreOffline': 'Ältere Einkäufe kannst du laden, sobald du online bist.'
};
