import { ApiError } from './api';
import type { MessageKey, Params } from './i18n';

/** A failed write or read, in words the baker can act on (the field named when the API names one). */
export function describeError(e: unknown, t: (key: MessageKey, params?: Params) => string): string {
  if (e instanceof ApiError) {
    if (e.isNetwork) return t('common.network');
    // The functions' messages often start with the field already ("unit_price: Input should be …").
    return e.field && !e.message.startsWith(`${e.field}:`) ? t('common.errorField', { field: e.field, message: e.message }) : e.message;
  }
  const code = (e as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('auth/')) {
    const key = `auth.err.${code.slice(5)}` as MessageKey;
    const known = ['invalid-credential', 'email-already-in-use', 'weak-password', 'invalid-email', 'network-request-failed', 'too-many-requests'];
    if (known.includes(code.slice(5))) return t(key);
    if (code === 'auth/user-not-found' || code === 'auth/wrong-password') return t('auth.err.invalid-credential');
  }
  return t('auth.err.other', { message: (e as Error)?.message ?? String(e) });
}
