// English strings for the live part of AI input (merged into en.ts): live updates and web push.
export const liveEn = {
  'live.pushTitle': 'Notifications on this device',
  'live.pushWhat': 'When a receipt has been read and waits for your review, and three days before an event that is still short of something.',
  'live.pushToggle': 'Send notifications to this device',
  'live.pushUnconfigured': 'Notifications are not set up on this server (no web push key), so they cannot be turned on here.',
  'live.pushUnsupported': 'This browser cannot receive notifications. On an iPhone, add BakeTracker to the home screen first.',
  'live.pushDenied': 'Notifications are blocked for BakeTracker in this browser. Allow them in the browser’s site settings, then come back.',
  'live.pushFailed': 'Could not change notifications: {message}'
} as const;
