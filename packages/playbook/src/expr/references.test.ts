import { describe, expect, it } from 'vitest';
import { type ExprReference, expressionReferences, parseExpression } from './index.js';

function refs(source: string): Array<[string, string]> {
  const r = parseExpression(source);
  if (!r.ok) throw new Error(r.error.message);
  return expressionReferences(r.ast).map((x: ExprReference) => [
    x.path.join('/'),
    source.slice(x.offset, x.offset + x.length),
  ]);
}

describe('expressionReferences', () => {
  it('reports root variable paths with their source spans', () => {
    expect(refs("member.referrals >= 20 && member.tier == 'member'")).toEqual([
      ['member/referrals', 'member.referrals'],
      ['member/tier', 'member.tier'],
    ]);
  });

  it('stops at computed and numeric indexes, and reports the index expression', () => {
    expect(refs('member.tags[0].name')).toEqual([['member/tags', 'member.tags']]);
    expect(refs('a[b.c].d')).toEqual([
      ['a', 'a'],
      ['b/c', 'b.c'],
    ]);
    expect(refs("member.attributes['due date'].x")).toEqual([
      ['member/attributes/due date/x', "member.attributes['due date'].x"],
    ]);
  });

  it('does not report function or method names, but reports their arguments and targets', () => {
    expect(refs('size(member.tags) > 0 && member.name.startsWith(params.prefix)')).toEqual([
      ['member/tags', 'member.tags'],
      ['member/name', 'member.name'],
      ['params/prefix', 'params.prefix'],
    ]);
    expect(refs('has(member.attributes.dueDate)')).toEqual([
      ['member/attributes/dueDate', 'member.attributes.dueDate'],
    ]);
    expect(refs('daysSince(member.joinedAt) > 3 ? now : null')).toEqual([
      ['member/joinedAt', 'member.joinedAt'],
      ['now', 'now'],
    ]);
  });

  it('handles lists, unary operators, conditionals, parentheses and method results', () => {
    expect(refs('[a, -b.c, !(d)] == e ? f.g : h')).toEqual([
      ['a', 'a'],
      ['b/c', 'b.c'],
      ['d', '(d)'],
      ['e', 'e'],
      ['f/g', 'f.g'],
      ['h', 'h'],
    ]);
    expect(refs('lower(a.b).x')).toEqual([['a/b', 'a.b']]);
    expect(refs('(a).b')).toEqual([['a/b', '(a).b']]);
    expect(refs('1 + 2')).toEqual([]);
  });

  it('reports every occurrence', () => {
    expect(refs('a.b + a.b')).toEqual([
      ['a/b', 'a.b'],
      ['a/b', 'a.b'],
    ]);
  });
});
