import { PluginError } from './plugin-error.js';

/** What `errorFromResponse` needs of a fetch Response (a real one satisfies it). */
export interface ResponseLike {
  status: number;
  statusText?: string;
  headers: { get(name: string): string | null };
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3), or null when
 * absent or unreadable.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export interface ErrorFromResponseOptions {
  /** The provider's message (from its error body); defaults to the status line. */
  message?: string;
  /** A provider-specific wait that overrides `Retry-After` (Telegram's `parameters.retry_after`). */
  retryAfterMs?: number | null;
  /** Wait to assume when a 429 says nothing. Default 1 s. */
  defaultRetryAfterMs?: number;
  code?: string | number | null;
  now?: number;
}

/**
 * The usual mapping of an HTTP failure: 429 → rate-limited (with `Retry-After`), 401/403 → auth,
 * 408/425/5xx → transient, other 4xx → permanent. Providers that report errors inside a 200
 * (WeCom's `errcode`) map their codes themselves with the PluginError factories.
 */
export function errorFromResponse(res: ResponseLike, options: ErrorFromResponseOptions = {}): PluginError {
  const status = res.status;
  const message = options.message ?? `HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}`;
  const base = { status, code: options.code ?? null };
  if (status === 429) {
    const wait =
      options.retryAfterMs ??
      retryAfterMs(res.headers.get('retry-after'), options.now ?? Date.now()) ??
      options.defaultRetryAfterMs ??
      1000;
    return PluginError.rateLimited(message, wait, base);
  }
  if (status === 401 || status === 403) return PluginError.auth(message, base);
  if (status === 408 || status === 425 || status >= 500) return PluginError.transient(message, base);
  return PluginError.permanent(message, base);
}
