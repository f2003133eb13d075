const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d{1,9}[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;

/**
 * Milliseconds of a `kith-duration` (`30m`, `1d12h`, `2w`). The validator has already rejected
 * bad ones, so a bad value here is an engine bug: it throws at compile time, never at run time.
 */
export function durationMs(text: string): number {
  if (!DURATION.test(text)) throw new Error(`not a duration: '${text}'`);
  let ms = 0;
  for (const m of text.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}
