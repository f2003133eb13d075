/**
 * Money as providers print it. Kith keeps integer minor units everywhere; some providers (Alipay)
 * want decimal strings of the major unit. These convert by string arithmetic: a float never
 * holds an amount, so 0.1 + 0.2 problems cannot arise.
 */

// ISO 4217 currencies whose minor unit is not the cent (the rest have two decimals).
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** Decimal places of the currency's minor unit: 2 for CNY and USD, 0 for JPY, 3 for KWD. */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** True for an amount Kith can hold: a non-negative safe integer of minor units. */
export function isMinorAmount(amount: unknown): amount is number {
  return typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0;
}

/** 1234 CNY → `"12.34"`; 5 JPY → `"5"`. Throws on a non-integer amount: that is a bug upstream. */
export function formatMinor(amount: number, currency: string): string {
  if (!isMinorAmount(amount)) throw new RangeError(`not an amount in minor units: ${amount}`);
  const exp = currencyExponent(currency);
  if (exp === 0) return String(amount);
  const digits = String(amount).padStart(exp + 1, '0');
  return `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

/**
 * `"12.34"` CNY → 1234, `"12.3"` → 1230, `"12"` → 1200. Null for anything else: a sign, an
 * exponent, more decimals than the currency has, or a value past the safe integers.
 */
export function parseMinor(text: string, currency: string): number | null {
  const exp = currencyExponent(currency);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (m === null) return null;
  const whole = m[1] ?? '0';
  const frac = m[2] ?? '';
  if (frac.length > exp) return null;
  const n = Number(`${whole}${frac.padEnd(exp, '0')}`);
  return Number.isSafeInteger(n) ? n : null;
}
