import { filters as builtinFilters, type Context, toValue } from 'liquidjs';
import { toEpochMs } from '../expr/values.js';

/**
 * Kith's own filters: `money`, a deterministic `date`, and a `default` that keeps 0.
 * They are pure functions of their arguments and the render scope (`now`, `timezone`).
 */

interface FilterThis {
  context: Context;
}

const currencyFormatters = new Map<string, Intl.NumberFormat | null>();

let knownCurrencies: Set<string> | null | undefined;

/** ISO 4217 codes the runtime knows, when it can list them (Intl.supportedValuesOf). */
function isKnownCurrency(code: string): boolean {
  if (knownCurrencies === undefined) {
    try {
      knownCurrencies = new Set(Intl.supportedValuesOf('currency'));
    } catch {
      knownCurrencies = null;
    }
  }
  return knownCurrencies === null || knownCurrencies.has(code);
}

function currencyFormatter(locale: string, currency: string): Intl.NumberFormat | null {
  const key = `${locale}\u0000${currency}`;
  let f = currencyFormatters.get(key);
  if (f === undefined) {
    if (!isKnownCurrency(currency)) return null;
    try {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
    } catch {
      f = null;
    }
    if (currencyFormatters.size > 1000) currencyFormatters.clear();
    currencyFormatters.set(key, f);
  }
  return f;
}

function toAmount(v: unknown): number | null {
  const x = toValue(v);
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  if (typeof x === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(x)) return Number(x);
  return null;
}

/** Minor units of the currency per Intl/CLDR (JPY 0, CNY 2, KWD 3); null for an unknown currency. */
export function currencyDigits(currency: string): number | null {
  const f = currencyFormatter('en-US', currency.toUpperCase());
  return f ? (f.resolvedOptions().maximumFractionDigits ?? 2) : null;
}

/**
 * `{{ offer.price | money: offer.currency }}`: an integer amount in the currency's minor units
 * (fen, cents; yen have none) → a localized price, e.g. 5900 CNY → "¥59.00", 500 USD → "$5.00".
 * Optional second argument: a BCP 47 locale (default `en-US`; symbols are the narrow ones, so
 * CNY shows as ¥ and USD as $). Unknown currency: "5900 XYZ". Not a number: empty.
 */
export function money(value: unknown, currency?: unknown, locale?: unknown): string {
  const amount = toAmount(value);
  if (amount === null) return '';
  const code = typeof currency === 'string' ? currency.trim().toUpperCase() : '';
  const f = /^[A-Z]{3}$/.test(code)
    ? currencyFormatter(typeof locale === 'string' && locale ? locale : 'en-US', code)
    : null;
  if (!f) return code ? `${amount} ${code}` : String(amount);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(amount / 10 ** digits);
}

const zones = new Map<string, boolean>();

function isTimeZone(tz: string): boolean {
  let ok = zones.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (zones.size > 1000) zones.clear();
    zones.set(tz, ok);
  }
  return ok;
}

function scopeValue(ctx: Context, name: string): unknown {
  const env = ctx.environments as Record<string, unknown>;
  return Object.hasOwn(env, name) ? env[name] : undefined;
}

const builtinDate = builtinFilters.date as (this: FilterThis, v: unknown, ...args: unknown[]) => unknown;

/**
 * `{{ t | date: '%Y-%m-%d %H:%M', 'Asia/Shanghai' }}`: strftime format (Liquid's), in a time zone
 * (IANA name, or a number of minutes ahead of UTC: 480 is UTC+8). `t` is epoch milliseconds (as everywhere in Kith, unlike
 * Shopify's seconds), an ISO-8601 string (UTC when it has no offset) or a Date; `'now'` is the
 * scope's `now`. The zone defaults to the scope's `timezone`, else UTC; an unknown zone means UTC.
 */
export function date(this: FilterThis, value: unknown, format?: unknown, timeZone?: unknown): unknown {
  let v = toValue(value);
  if (v === 'now' || v === 'today') v = scopeValue(this.context, 'now') ?? Date.now();
  const ms = toEpochMs(v);
  if (ms === null) return v ?? '';
  let zone = timeZone ?? scopeValue(this.context, 'timezone') ?? 'UTC';
  // Liquid's numeric offsets are minutes behind UTC (like getTimezoneOffset); ours are minutes ahead
  if (typeof zone === 'number') zone = Number.isFinite(zone) ? -zone : 'UTC';
  else if (typeof zone !== 'string' || !isTimeZone(zone)) zone = 'UTC';
  return builtinDate.call(this, new Date(ms), format, zone);
}

/**
 * `{{ member.nickname | default: member.name }}`: the fallback when the value is missing, null,
 * false, an empty string or an empty list. Unlike JavaScript truthiness, 0 is kept.
 * `default: x, allow_false: true` keeps false as well.
 */
export function defaultFilter(value: unknown, fallback?: unknown, ...options: unknown[]): unknown {
  const v = toValue(value);
  const allowFalse = options.some((o) => Array.isArray(o) && o[0] === 'allow_false' && Boolean(o[1]));
  if (v === false) return allowFalse ? false : fallback;
  if (v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v)))
    return fallback;
  if (Array.isArray(v) && v.length === 0) return fallback;
  return v;
}
