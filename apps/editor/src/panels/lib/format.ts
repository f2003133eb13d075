/** Numbers, money and times worded for the language shown (Intl does the work). */

export type Locale = 'en' | 'zh-CN';

export function formatNumber(n: number, lang: Locale): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** A ratio (0..1) as a percentage with at most one decimal; `—` when unknown. */
export function formatPercent(ratio: number | null | undefined, lang: Locale): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** Fraction digits of a currency (JPY 0, CNY 2); 2 for a code Intl does not know. */
export function currencyDigits(code: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** An amount in minor units (fen, cents), as the engine keeps money, shown in the currency. */
export function formatMoney(minor: number, currency: string, lang: Locale): string {
  const digits = currencyDigits(currency);
  const major = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency}`;
  }
}

/** Epoch milliseconds or an ISO string → a date and time; `—` for nothing, the raw text if unreadable. */
export function formatDateTime(at: string | number | null | undefined, lang: Locale): string {
  if (at === null || at === undefined || at === '') return '—';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatTime(at: string | number, lang: Locale): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d);
}
