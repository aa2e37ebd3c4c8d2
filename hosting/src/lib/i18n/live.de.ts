// German strings for the live part of AI input (merged into de.ts): live updates and web push.
import type { liveEn } from './live.en';

export const liveDe: Record<keyof typeof liveEn, string> = {
  'live.pushTitle': 'Benachrichtigungen auf diesem Gerät',
  'live.pushWhat': 'Wenn ein Kassenbon gelesen ist und auf Ihre Prüfung wartet, und drei Tage vor einem Termin, für den noch etwas fehlt.',
  'live.pushToggle': 'Benachrichtigungen an dieses Gerät senden',
  'live.pushUnconfigured': 'Benachrichtigungen sind auf diesem Server nicht eingerichtet (kein Web-Push-Schlüssel) und lassen sich hier nicht einschalten.',
  'live.pushUnsupported': 'Dieser Browser kann keine Benachrichtigungen empfangen. Auf dem iPhone BakeTracker zuerst zum Home-Bildschirm hinzufügen.',
  'live.pushDenied': 'Benachrichtigungen sind für BakeTracker in diesem Browser blockiert. Erlauben Sie sie in den Website-Einstellungen des Browsers und kommen Sie dann zurück.',
  'live.pushFailed': 'Benachrichtigungen konnten nicht geändert werden: {message}'
};
