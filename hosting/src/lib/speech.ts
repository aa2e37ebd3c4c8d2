// Speech to text for capture: the browser's Web Speech API where it has one, behind one small seam.
// Tests (and a later native wrapper) set `window.__btSpeech = { transcript: '…' }` (or `{ error: 'code' }`)
// to stand in for the microphone.

export interface Listening {
  stop(): void;
}
export interface SpeechHandlers {
  /** The words so far; `final` once the recogniser settled them. */
  onText: (text: string, final: boolean) => void;
  onEnd: () => void;
  onError: (code: string) => void;
}
interface Fake {
  transcript?: string;
  error?: string;
}
type Recognition = {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }> }) => void) | null;
  onerror: ((e: { error: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
};
type Ctor = new () => Recognition;

declare global {
  interface Window {
    __btSpeech?: Fake;
  }
}

function recognitionCtor(): Ctor | null {
  if (typeof window === 'undefined') return null;
  const w = window as unknown as { SpeechRecognition?: Ctor; webkitSpeechRecognition?: Ctor };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

export function speechAvailable(): boolean {
  return typeof window !== 'undefined' && (!!window.__btSpeech || !!recognitionCtor());
}

/** The recogniser's language for the app's: "de" → "de-DE" unless the device names a German region. */
export function speechLang(locale: string, device = typeof navigator !== 'undefined' ? navigator.language : ''): string {
  if (device && device.toLowerCase().startsWith(locale + '-')) return device;
  return locale === 'de' ? 'de-DE' : 'en-US';
}

export function listen(lang: string, h: SpeechHandlers): Listening {
  const fake = typeof window !== 'undefined' ? window.__btSpeech : undefined;
  if (fake) {
    let stopped = false;
    setTimeout(() => {
      if (stopped) return;
      if (fake.error) h.onError(fake.error);
      else h.onText(fake.transcript ?? '', true);
      h.onEnd();
    }, 50);
    return { stop: () => void (stopped = true) };
  }
  const Ctor = recognitionCtor();
  if (!Ctor) {
    h.onError('not-supported');
    h.onEnd();
    return { stop() {} };
  }
  const r = new Ctor();
  r.lang = lang;
  r.interimResults = true;
  r.continuous = false;
  r.onresult = (e) => {
    let text = '';
    let final = true;
    for (let i = 0; i < e.results.length; i++) {
      text += e.results[i][0].transcript;
      final &&= e.results[i].isFinal;
    }
    h.onText(text.trim(), final);
  };
  r.onerror = (e) => h.onError(e.error);
  r.onend = () => h.onEnd();
  r.start();
  return { stop: () => r.stop() };
}
