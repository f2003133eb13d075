import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decJson, decText, encJson, encText } from '../src/codec.js';

const ESC = '\uE000';
/** Strings rich in what the codec escapes: U+0000, U+E000, backslashes and the text `u0000`. */
const tricky = fc
  .array(fc.constantFrom('\u0000', ESC, '\\', 'u0000', 'a', '"', 'E', '0', '\u00e9'), { maxLength: 12 })
  .map((parts) => parts.join(''));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** What PostgreSQL stores for a JSON text: no U+0000 anywhere, so its escape must not be there. */
function storable(text: string): boolean {
  return !/(?<!\\)(?:\\\\)*\\u0000/.test(text);
}

describe('the JSON codec', () => {
  it('round-trips any value, and what it sends PostgreSQL holds no U+0000', () => {
    fc.assert(
      fc.property(json, (v) => {
        const text = encJson(v);
        expect(storable(text)).toBe(true);
        expect(decJson(text)).toEqual(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes each string as encText does', () => {
    fc.assert(
      fc.property(tricky, tricky, (k, s) => {
        expect(encJson({ [k]: [s] })).toBe(JSON.stringify({ [encText(k)]: [encText(s)] }));
        expect(decText(encText(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a literal backslash before u0000 apart from the escape', () => {
    const v = { a: '\\u0000', b: '\u0000', c: '\\\u0000', d: `${ESC}0` };
    expect(decJson(encJson(v))).toEqual(v);
  });
});
