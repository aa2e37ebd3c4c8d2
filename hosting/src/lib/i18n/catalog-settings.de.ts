// Deutsch: Katalog bearbeiten und Einstellungen der Backstube (in de.ts eingefügt).
import type { catalogSettingsEn } from './catalog-settings.en';

export const catalogSettingsDe: Record<keyof typeof catalogSettingsEn, string> = {
  'cs.bakerySettings': 'Einstellungen der Backstube'
};
