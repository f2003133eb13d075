/**
 * PostgreSQL text (TEXT columns and JSONB strings) cannot hold U+0000, which engine keys use as a
 * separator (`journey \u0000 entryKey`). Every string goes in with U+0000 written as U+E000 '0' and
 * U+E000 itself as U+E000 'E' (a private-use character, escaped so the mapping is reversible), and
 * comes back decoded. Text without either character — nearly all of it — passes through unchanged.
 */
const ESC = '\uE000';

export function encText(s: string): string {
  return s.includes('\u0000') || s.includes(ESC)
    ? s.replaceAll(ESC, `${ESC}E`).replaceAll('\u0000', `${ESC}0`)
    : s;
}

export function decText(s: string): string {
  return s.includes(ESC) ? s.replace(/\uE000([0E])/g, (_, c: string) => (c === 'E' ? ESC : '\u0000')) : s;
}

/** JSON text for a JSONB parameter, encoded as `encText` would encode each string in it. */
export function encJson(v: unknown): string {
  const text = JSON.stringify(v);
  if (text === undefined) throw new Error('not JSON-serialisable');
  if (!text.includes('\\u0000') && !text.includes(ESC)) return text;
  // JSON.stringify leaves U+E000 raw and writes U+0000 as the escape \u0000 (after an even run of
  // backslashes; an odd run means the backslash itself was escaped)
  const escaped = text.includes(ESC) ? text.replaceAll(ESC, `${ESC}E`) : text;
  // Nearly always no backslash precedes an escape (engine keys hold U+0000 in every member state):
  // a plain replace then does, several times faster than the pattern, what the pattern would.
  if (!escaped.includes('\\\\u0000')) return escaped.replaceAll('\\u0000', `${ESC}0`);
  return escaped.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, `$1${ESC}0`);
}

/** Parses JSON text read back (`col::text`), decoding what `encJson` encoded. */
export function decJson<T>(text: string): T {
  return JSON.parse(
    text.includes(ESC)
      ? text.replace(/\uE000([0E])/g, (_, c: string) => (c === 'E' ? ESC : '\\u0000'))
      : text,
  ) as T;
}

/** pg returns BIGINT as a string and PGlite may return a bigint: every integer comes back a number. */
export function int(v: number | string | bigint): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${String(v)}`);
  return n;
}
