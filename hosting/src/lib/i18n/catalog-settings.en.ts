// English strings for catalog editing and the bakery's settings (merged into en.ts).
export const catalogSettingsEn = {
  'cs.bakerySettings': 'Bakery settings'
} as const;
