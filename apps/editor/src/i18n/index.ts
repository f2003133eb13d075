import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

export type Lang = 'en' | 'zh-CN';

export const LANGS: readonly Lang[] = ['en', 'zh-CN'];
const STORAGE_KEY = 'kith.lang';
export const LANG_CHANGE_EVENT = 'kith-lang-change';

const catalogues: Record<Lang, Record<string, string>> = { en: {}, 'zh-CN': {} };

function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'zh-CN';
}

function readStored(): Lang | undefined {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLang(stored) ? stored : undefined;
  } catch {
    // Storage can be disabled (private mode, sandboxed iframes): fall back to the browser's language.
    return undefined;
  }
}

function detect(): Lang {
  const stored = readStored();
  if (stored) return stored;
  const nav = globalThis.navigator?.language ?? 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

let current: Lang = detect();

registerMessages('en', en);
registerMessages('zh-CN', zhCN);

/** Adds (or overrides) messages for a language; modules register their own strings on import. */
export function registerMessages(lang: Lang, messages: Record<string, string>): void {
  Object.assign(catalogues[lang], messages);
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  if (!isLang(lang)) throw new Error(`Unknown language "${String(lang)}": use one of ${LANGS.join(', ')}.`);
  const changed = lang !== current;
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Not persisting is acceptable; the choice still applies to this page.
  }
  if (globalThis.document) globalThis.document.documentElement.lang = lang;
  if (changed && typeof globalThis.dispatchEvent === 'function' && typeof CustomEvent === 'function') {
    globalThis.dispatchEvent(new CustomEvent(LANG_CHANGE_EVENT, { detail: { lang } }));
  }
}

/**
 * Translates a key in the current language, falling back to English, then to the key itself so a
 * missing string is visible rather than blank. `{name}` placeholders take values from `params`.
 */
export function t(key: string, params?: Record<string, string | number>): string {
  const template = catalogues[current][key] ?? catalogues.en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Re-renders its host whenever the language changes. */
export class LangController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly onChange = (): void => this.host.requestUpdate();

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  get lang(): Lang {
    return current;
  }

  hostConnected(): void {
    globalThis.addEventListener?.(LANG_CHANGE_EVENT, this.onChange);
  }

  hostDisconnected(): void {
    globalThis.removeEventListener?.(LANG_CHANGE_EVENT, this.onChange);
  }
}

if (globalThis.document) globalThis.document.documentElement.lang = current;
