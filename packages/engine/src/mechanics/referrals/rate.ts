/**
 * A commission rate as written (`'10%'`, `'2.5%'`, at most two decimals) in basis points —
 * hundredths of a percent — parsed from the text, never through a floating-point number.
 */
export function rateBasisPoints(text: string): number {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?%$/.exec(text);
  if (m === null) throw new Error(`not a rate: '${text}'`);
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (bp > 10_000) throw new Error(`a rate above 100%: '${text}'`);
  return bp;
}

export const BASIS_POINTS = 10_000;
