import { describe, expect, it } from 'vitest';
import { parseDuration } from './functions.js';
import {
  compileExpression,
  ExpressionSyntaxError,
  evaluateExpression,
  FUNCTIONS,
  isTruthy,
  type Scope,
} from './index.js';

const NOW = Date.parse('2024-03-10T12:00:00Z');

const scope: Scope = {
  now: NOW,
  member: {
    name: 'Ann',
    tier: 'member',
    referrals: 25,
    messages: 0,
    score: 7.5,
    tags: ['vip', 'mom'],
    joinedAt: '2024-03-01T12:00:00Z',
    lastSeen: NOW - 90 * 60_000,
    attributes: { dueDate: '2024-06-01', 'due date': 'soon', nothing: null, 宝宝月龄: 3 },
    empty: '',
  },
  params: { brand: 'Kith', threshold: 20 },
  event: { type: 'message', text: 'Hello World', amount: 5900 },
  counts: new Map<unknown, unknown>([
    ['a', 1],
    [2, 'two'],
  ]),
};

const ev = (source: string, s: Scope = scope): unknown => evaluateExpression(source, s);

describe('evaluation', () => {
  it.each<[string, unknown]>([
    ['member.referrals >= 20', true],
    ["member.referrals >= 20 && member.tier == 'member'", true],
    ['member.referrals >= params.threshold', true],
    ['member.messages == 0', true],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 / 2', 3.5],
    ['7 % 3', 1],
    ['-member.score', -7.5],
    ['- -3', 3],
    ['10 - 2 - 3', 5],
    ["'a' + 'b' + member.name", 'abAnn'],
    ['[1, 2] + [3]', [1, 2, 3]],
    ['[1, member.referrals]', [1, 25]],
    ["'mom' in member.tags", true],
    ["'dad' in member.tags", false],
    ["'World' in event.text", true],
    ["'dueDate' in member.attributes", true],
    ["'a' in counts", true],
    ['2 in counts', true],
    ['member.tags[0]', 'vip'],
    ['member.tags[5]', null],
    ['member.tags[-1]', null],
    ["member.attributes['due date']", 'soon'],
    ['member.attributes.宝宝月龄', 3],
    ["counts['a']", 1],
    ['counts[2]', 'two'],
    ['counts.a', 1],
    ["member.tier == 'kol' ? 'K' : 'M'", 'M'],
    ['member.missing ? 1 : 2', 2],
    ['[1, [2, 3]] == [1, [2, 3]]', true],
    ['member.attributes == member.attributes', true],
    ["'b' > 'a'", true],
    ['1 == 1.0', true],
    ["1 == '1'", false],
    ['true == 1', false],
  ])('%s → %j', (source, expected) => {
    expect(ev(source)).toEqual(expected);
  });

  it('short-circuits && and || and returns booleans', () => {
    expect(ev('false && member.x == 0')).toBe(false);
    expect(ev("member.name && 'x'")).toBe(true);
    expect(ev("member.missing || ''")).toBe(false);
    expect(ev('member.referrals || member.missing')).toBe(true);
  });
});

describe('null semantics: lenient, never throwing', () => {
  it.each<[string, unknown]>([
    ['member.missing', null],
    ['member.missing.deeper.still', null],
    ['nobody.at.all', null],
    ['member.missing + 1', null],
    ['member.missing * 2', null],
    ['-member.missing', null],
    ['member.missing < 1', false],
    ['member.missing >= 1', false],
    ['1 > member.missing', false],
    ['member.missing == null', true],
    ['member.missing != null', false],
    ['member.attributes.nothing == null', true],
    ['null == null', true],
    ['!null', true],
    ['!member.missing', true],
    ["'x' in member.missing", false],
    ['member.missing in [1]', false],
    ["1 + 'a'", null],
    ["'a' - 1", null],
    ["1 < 'a'", null],
    ['[1] < [2]', null],
    ['true + 1', null],
    ['1 / 0', null],
    ['1 % 0', null],
    ['0 / 0', null],
    ['member.name.length', null],
    ['member.tags.length', null],
    ['member.tags.x', null],
    ["member.name['0']", null],
    ['member.name[0]', null],
    ['event.amount.x', null],
    ['size(member.missing)', null],
    ["member.missing.contains('x')", null],
  ])('%s → %j', (source, expected) => {
    expect(ev(source)).toEqual(expected);
  });

  it('overflow gives null', () => {
    const big = { x: Number.MAX_VALUE };
    expect(ev('x.x * 10', { x: big })).toBe(null);
  });

  it('evaluates with an empty or odd scope', () => {
    expect(ev('member.referrals >= 20', {})).toBe(false);
    expect(ev('a.b', null as unknown as Scope)).toBe(null);
    expect(ev('has(a)', undefined as unknown as Scope)).toBe(false);
  });

  it('swallows hostile scope values (throwing getters) as null', () => {
    const hostile = {
      get boom(): unknown {
        throw new Error('boom');
      },
    };
    expect(ev('m.boom == 1', { m: hostile })).toBe(null);
  });
});

describe('functions', () => {
  it.each<[string, unknown]>([
    ['size(member.tags)', 2],
    ['member.tags.size()', 2],
    ["size('你好👋')", 3],
    ['size(member.attributes)', 4],
    ['size(counts)', 2],
    ['size(42)', null],
    ['has(member.attributes.dueDate)', true],
    ['has(member.attributes.nothing)', true],
    ['has(member.attributes.nope)', false],
    ['has(member.nope.deeper)', false],
    ["has(member.attributes['due date'])", true],
    ['has(member.tags[1])', true],
    ['has(member.tags[2])', false],
    ['has(member)', true],
    ['has(stranger)', false],
    ["member.tags.contains('vip')", true],
    ["contains(member.tags, 'x')", false],
    ["event.text.contains('World')", true],
    ["member.name.startsWith('A')", true],
    ["member.name.endsWith('nn')", true],
    ["event.text.matches('^hello')", false],
    ["event.text.matches('(?i)^hello')", true],
    ["matches(event.text, 'W.rld$')", true],
    ['member.name.matches(member.name)', true],
    ['lower(member.name)', 'ann'],
    ['member.name.upper()', 'ANN'],
    ["trim('  x ')", 'x'],
    ['int(3.7)', 3],
    ['int(-3.7)', -3],
    ["int('42')", 42],
    ["int('4x')", null],
    ['int(true)', 1],
    ['string(42)', '42'],
    ['string(true)', 'true'],
    ['string(null)', null],
    ['abs(-2)', 2],
    ['min(3, 1, 2)', 1],
    ['max([3, 1, 2])', 3],
    ["max(1, 'a')", null],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(3.14159, 2)', 3.14],
    ['floor(-1.5)', -2],
    ['ceil(1.2)', 2],
    ['daysSince(member.joinedAt)', 9],
    ['daysSince(now)', 0],
    ['hoursSince(member.lastSeen)', 1],
    ['minutesSince(member.lastSeen)', 90],
    ["daysSince('2024-03-11T12:00:00Z')", -1],
    ["daysSince('2024-03-09')", 1],
    ["hoursSince('2024-03-10T08:00:00+08:00')", 12],
    ["hoursSince('2024-03-10T08:00:00')", 4],
    ["daysSince('yesterday')", null],
    ["duration('7d')", 7 * 86_400_000],
    ["duration('1d12h')", 36 * 3_600_000],
    ["duration('1w 2d 3h 4m 5s')", (((9 * 24 + 3) * 60 + 4) * 60 + 5) * 1000],
    ['duration(member.name)', null],
    ["minutesSince(member.lastSeen) * 60000 >= duration('1h')", true],
    ["timeOfDay('Asia/Shanghai')", '20:00'],
    ['timeOfDay()', '12:00'],
    ["timeOfDay() >= '09:00' && timeOfDay() < '18:00'", true],
  ])('%s → %j', (source, expected) => {
    expect(ev(source)).toEqual(expected);
  });

  it('time functions use the scope `now`, not the clock', () => {
    expect(ev('daysSince(t)', { t: 0, now: 86_400_000 * 3 })).toBe(3);
    expect(ev('daysSince(t)', { t: 0 })).toBe(null);
    expect(ev('timeOfDay()', { now: Date.parse('2024-01-01T23:30:00Z'), timezone: 'Asia/Shanghai' })).toBe(
      '07:30',
    );
    expect(ev('timeOfDay(tz)', { now: 0, tz: 'Nope/Zone' })).toBe(null);
  });

  it('refuses dangerous regular expressions given at run time', () => {
    expect(ev('matches(s, p)', { s: 'aaaa', p: '(a+)+$' })).toBe(null);
    expect(ev('matches(s, p)', { s: 'aaaa', p: 'a'.repeat(201) })).toBe(null);
    expect(ev('matches(s, p)', { s: 'x', p: '[' })).toBe(null);
  });

  it('caches the compiled regex per call site', () => {
    const f = compileExpression('matches(s, p)');
    expect(f({ s: 'abc', p: 'b' })).toBe(true);
    expect(f({ s: 'abc', p: 'b' })).toBe(true);
    expect(f({ s: 'abc', p: 'z' })).toBe(false);
  });

  it('documents every function', () => {
    for (const [name, f] of Object.entries(FUNCTIONS)) {
      expect(f.signature.startsWith(`${name}(`)).toBe(true);
      expect(f.description.length).toBeGreaterThan(10);
    }
    expect(Object.keys(FUNCTIONS)).toEqual(
      expect.arrayContaining([
        'size',
        'has',
        'contains',
        'startsWith',
        'endsWith',
        'matches',
        'daysSince',
        'duration',
        'timeOfDay',
      ]),
    );
  });

  it('parses durations', () => {
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('')).toBe(null);
    expect(parseDuration('d')).toBe(null);
    expect(parseDuration('5x')).toBe(null);
  });
});

describe('limits', () => {
  it('caps produced strings at 100,000 characters', () => {
    const s = 'x'.repeat(60_000);
    expect((ev('s + s', { s }) as string).length).toBe(100_000);
    expect((ev('s + s + s + s', { s }) as string).length).toBe(100_000);
  });
});

describe('safety', () => {
  it('never reaches prototypes', () => {
    class Member {
      secret = 1;
      get computed(): number {
        return 2;
      }
    }
    const withProto = Object.create({ inherited: 'yes' }) as Record<string, unknown>;
    withProto.own = 'own';
    const s = { m: new Member(), p: withProto, o: { a: 1 }, k: '__proto__', c: 'constructor', list: [1] };
    expect(ev('m.secret', s)).toBe(null); // class instances are opaque
    expect(ev('p.own', s)).toBe(null); // objects with a custom prototype are opaque
    expect(ev('p.inherited', s)).toBe(null);
    expect(ev('o.toString', s)).toBe(null);
    expect(ev('o.hasOwnProperty', s)).toBe(null);
    expect(ev('o[k]', s)).toBe(null);
    expect(ev('o[c]', s)).toBe(null);
    expect(ev('list[c]', s)).toBe(null);
    expect(ev("list['length']", s)).toBe(null);
    expect(ev('has(o[k])', s)).toBe(false);
    expect(ev('k in o', s)).toBe(false);
    expect(ev('toString', s)).toBe(null);
    expect(ev('valueOf', {})).toBe(null);
  });

  it('ignores own __proto__ keys made by JSON.parse', () => {
    const data = JSON.parse('{"__proto__": {"admin": true}, "x": 1}') as Record<string, unknown>;
    expect(ev('d.x', { d: data })).toBe(1);
    expect(ev('d[k]', { d: data, k: '__proto__' })).toBe(null);
    expect(ev('d.admin', { d: data })).toBe(null);
  });

  it('cannot pollute prototypes', () => {
    const attempts = ['a[k] == 1', '[1] + [2]', "'x' + 'y'", 'o[k][k]'];
    for (const source of attempts) ev(source, { a: {}, o: {}, k: '__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('refuses prototype names at parse time', () => {
    for (const source of [
      'member.__proto__',
      'member.constructor',
      "a['__proto__']",
      'x.prototype.y',
      'constructor',
    ]) {
      expect(() => compileExpression(source)).toThrow(ExpressionSyntaxError);
    }
  });
});

describe('compileExpression', () => {
  it('is memoised by source', () => {
    expect(compileExpression('member.referrals + 1')).toBe(compileExpression('member.referrals + 1'));
  });

  it('throws an error carrying the ExprError', () => {
    try {
      compileExpression('member.tier = 1');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ExpressionSyntaxError);
      expect((e as ExpressionSyntaxError).exprError).toEqual({
        message: "unexpected '='; did you mean '=='?",
        offset: 12,
        length: 1,
      });
    }
  });

  it('isTruthy follows JavaScript truthiness', () => {
    expect([null, undefined, false, 0, Number.NaN, ''].map(isTruthy)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect([true, 1, -1, 'x', [], {}, new Map()].map(isTruthy)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('evaluates fast (micro-check, printed, not asserted)', () => {
    const f = compileExpression("member.referrals >= 20 && member.tier == 'member'");
    const scopes = Array.from({ length: 1000 }, (_, i) => ({
      member: { referrals: i % 40, tier: i % 3 === 0 ? 'kol' : 'member', name: `m${i}` },
    }));
    let hits = 0;
    for (let i = 0; i < 200_000; i++) if (f(scopes[i % 1000]!)) hits++; // warm-up
    const n = 2_000_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (f(scopes[i % 1000]!)) hits++;
    const seconds = (performance.now() - t0) / 1000;
    const rate = Math.round(n / seconds);
    console.log(`compiled condition: ${(rate / 1e6).toFixed(1)}M evaluations/s (${hits} hits)`);
    expect(hits).toBeGreaterThan(0);
  });
});
