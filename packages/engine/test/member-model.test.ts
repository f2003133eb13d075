import { describe, expect, it } from 'vitest';
import { appendedShared, emptyList, ownList, withEntry, withoutEntry } from '../src/model/member.js';

describe('member model: shared values', () => {
  it('ownList gives each writer a fresh list of its own', () => {
    const a = ownList(emptyList<number>());
    const b = ownList(emptyList<{ n: number }>());
    a.push(1.5);
    b.push({ n: 1 });
    expect(a).toEqual([1.5]);
    expect(b).toEqual([{ n: 1 }]);
    expect(ownList(a)).toBe(a);
  });

  it('appendedShared: lists alike are one frozen list; different strings never collide', () => {
    const a = appendedShared(appendedShared(emptyList(), 'attract'), 'activate');
    const b = appendedShared(['attract'], 'activate');
    expect(a).toEqual(['attract', 'activate']);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => (a as string[]).push('x')).toThrow();
    expect(appendedShared(['a:1'], 'b')).not.toBe(appendedShared(['a'], ':1b'));
    expect(appendedShared(['a\u0000b'], 'c')).toEqual(['a\u0000b', 'c']);
    expect(appendedShared(['a'], 'b\u0000c')).toEqual(['a', 'b\u0000c']);
  });

  it('withEntry / withoutEntry: copies as assignment and delete would leave them, shared when primitive', () => {
    const base = { city: 'Hangzhou', stage: 'infant' };
    const moved = withEntry(base, 'city', 'Nanjing');
    expect(moved).toEqual({ city: 'Nanjing', stage: 'infant' });
    expect(Object.keys(moved)).toEqual(['city', 'stage']);
    expect(base).toEqual({ city: 'Hangzhou', stage: 'infant' });
    expect(withEntry({ city: 'Nanjing' }, 'stage', 'infant')).toBe(moved);
    expect(Object.isFrozen(moved)).toBe(true);
    // the same values in another order are another record (JSON keeps the order)
    expect(withEntry({ stage: 'infant' }, 'city', 'Nanjing')).not.toBe(moved);
    // types and -0 are told apart
    expect(withEntry({}, 'n', 1)).not.toBe(withEntry<unknown>({}, 'n', '1'));
    expect(Object.is(withEntry({}, 'z', -0).z, -0)).toBe(true);
    expect(withEntry({}, 'z', 0).z).toBe(0);
    // an object value: a plain copy, not shared or frozen
    const withList = withEntry<unknown>({}, 'list', [1]);
    expect(withEntry<unknown>({}, 'list', [1])).not.toBe(withList);
    expect(Object.isFrozen(withList)).toBe(false);
    expect(withoutEntry(moved, 'city')).toEqual({ stage: 'infant' });
    expect(withoutEntry(moved, 'city')).toBe(withoutEntry({ stage: 'infant', x: 1 }, 'x'));
  });
});
