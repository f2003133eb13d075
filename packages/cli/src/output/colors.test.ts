import { describe, expect, it } from 'vitest';
import { colorsFor, shouldUseColor, stripAnsi } from './colors.js';
import { toJson, writeJson } from './json.js';

describe('shouldUseColor', () => {
  it('colours a TTY and nothing else by default', () => {
    expect(shouldUseColor(true, {})).toBe(true);
    expect(shouldUseColor(false, {})).toBe(false);
    expect(shouldUseColor(undefined, {})).toBe(false);
  });

  it('turns colours off with NO_COLOR (non-empty) or TERM=dumb', () => {
    expect(shouldUseColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor(true, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor(true, { TERM: 'dumb' })).toBe(false);
  });

  it('lets FORCE_COLOR force colours on (or off with 0/false), over NO_COLOR', () => {
    expect(shouldUseColor(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor(false, { FORCE_COLOR: '' })).toBe(true);
    expect(shouldUseColor(true, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(shouldUseColor(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldUseColor(true, { FORCE_COLOR: 'false' })).toBe(false);
  });

  it('gives identity formatters when off and ANSI when on', () => {
    expect(colorsFor({ isTTY: false }, {}).red('x')).toBe('x');
    const red = colorsFor({ isTTY: true }, {}).red('x');
    expect(red).not.toBe('x');
    expect(stripAnsi(red)).toBe('x');
  });
});

describe('writeJson', () => {
  it('writes one pretty JSON document with a newline, converting Map, Set and bigint', () => {
    const out: string[] = [];
    writeJson({ write: (s: string) => out.push(s) }, { m: new Map([['a', 1]]), s: new Set([1, 2]), n: 10n });
    expect(out).toHaveLength(1);
    expect(out[0]!.endsWith('}\n')).toBe(true);
    expect(JSON.parse(out[0]!)).toEqual({ m: { a: 1 }, s: [1, 2], n: '10' });
    expect(toJson({ a: 1 })).toBe('{\n  "a": 1\n}');
  });
});
