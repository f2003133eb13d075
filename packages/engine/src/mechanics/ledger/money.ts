import { toWall } from '../../time/zone.js';

/**
 * Money is an integer number of minor units (fen, cents) everywhere in the ledger: these helpers
 * are the only arithmetic beyond `+` and `-` it does, and none of them goes through a fraction.
 */

/** A non-negative safe integer: an amount the ledger accepts. */
export function isMoney(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** `floor(amount × parts / whole)` computed in integers (BigInt when the product is not safe). */
export function share(amount: number, parts: number, whole: number): number {
  if (whole <= 0) throw new Error('share of a non-positive whole');
  const product = amount * parts;
  if (Number.isSafeInteger(product)) return (product - (product % whole)) / whole;
  return Number((BigInt(amount) * BigInt(parts)) / BigInt(whole));
}

/** The calendar month of an instant in a time zone, `YYYY-MM`: what monthly caps count in. */
export function monthOf(at: number, zone: string): string {
  const d = new Date(toWall(zone, at));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
