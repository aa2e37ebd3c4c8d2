// English strings for baking and assembling from the plan (merged into en.ts).
export const bakeEn = {
  'bake.action': 'Baked…'
} as const;
