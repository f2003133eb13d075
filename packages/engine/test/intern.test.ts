import { describe, expect, it } from 'vitest';
import { Interner } from '../src/util/intern.js';

describe('Interner', () => {
  it('keeps one frozen value per key, and finds it again', () => {
    const lists = new Interner<string[]>();
    expect(lists.find('a')).toBeUndefined();
    const kept = lists.keep('a', ['x']);
    expect(Object.isFrozen(kept)).toBe(true);
    expect(() => kept.push('y')).toThrow(TypeError);
    expect(lists.find('a')).toBe(kept);
    expect(lists.find('b')).toBeUndefined();
  });

  it('forgets everything when full, and keeps sharing from then on', () => {
    const small = new Interner<{ n: number }>(2);
    const one = small.keep('1', { n: 1 });
    small.keep('2', { n: 2 });
    small.keep('3', { n: 3 });
    expect(small.find('1')).toBeUndefined();
    expect(small.find('3')).toEqual({ n: 3 });
    expect(Object.isFrozen(one)).toBe(true);
  });
});
