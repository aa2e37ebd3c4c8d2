// English strings for the purchase history a page at a time (merged into en.ts).
export const purchasesEn = {
  'buy.more': 'Show more',
  'buy.loadingMore': 'Loading older purchases…',
  'buy.shown': '{count} purchase shown|{count} purchases shown',
  'buy.allShown': 'That is every purchase.',
  'buy.historyOf': 'Purchases of {product}',
  'buy.allProducts': 'All products',
  'buy.moreOffline': 'Older purchases can be loaded when you are online.'
} as const;
