import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BinaryOp, Expr } from './ast.js';
import { compileAst, expressionReferences, parseExpression, printExpression, type Scope } from './index.js';

const at = { start: 0, end: 0 };

function expectWellFormed(source: string): void {
  const r = parseExpression(source);
  if (r.ok) {
    for (const ref of expressionReferences(r.ast)) {
      expect(ref.offset).toBeGreaterThanOrEqual(0);
      expect(ref.offset + ref.length).toBeLessThanOrEqual(source.length);
    }
    return;
  }
  expect(typeof r.error.message).toBe('string');
  expect(r.error.message.length).toBeGreaterThan(0);
  expect(r.error.offset).toBeGreaterThanOrEqual(0);
  expect(r.error.offset).toBeLessThanOrEqual(source.length);
  expect(r.error.length).toBeGreaterThanOrEqual(0);
  expect(r.error.offset + r.error.length).toBeLessThanOrEqual(source.length);
}

const VALID = [
  "member.referrals >= 20 && member.tier == 'member'",
  'member.messages == 0',
  'has(member.attributes.dueDate) ? daysSince(member.attributes.dueDate) < 30 : false',
  "member.tags.contains('vip') || 'kol' in member.tags",
  'size(member.name) > 2 && lower(member.name).startsWith("a")',
  "matches(event.text, '(?i)make-?up') && !member.optedOut",
  "timeOfDay('Asia/Shanghai') >= '09:00' && minutesSince(member.lastSeen) > duration('1d12h') / 60000",
  'max(member.score, 0) * 2 + -1 - abs(member.delta) % 3',
  "[1, 2.5, 'x', null, true][member.i] == member.tags[0]",
  "member.attributes['due date'] != null && int(string(member.points)) >= round(1.5)",
];

const ALPHABET = [
  ...'abmer.()[]\'"!=<>&|+-*/%?:,0123456789 _\\{}$#',
  'in',
  '&&',
  '||',
  '==',
  '.contains(',
  'has(',
  '__proto__',
];

const randomScope: fc.Arbitrary<Scope> = fc.record({
  member: fc.oneof(fc.anything(), fc.dictionary(fc.string(), fc.anything())),
  event: fc.anything(),
  now: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
});

describe('parseExpression never throws', () => {
  it('on random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expectWellFormed(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('on strings built from the language’s own characters', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }), (parts) => {
        expectWellFormed(parts.join(''));
      }),
      { numRuns: 2000 },
    );
  });

  it('on mutated valid expressions; whatever still parses evaluates without throwing', () => {
    const mutation = fc.record({
      kind: fc.constantFrom('insert', 'delete', 'replace'),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: 4 }),
      text: fc.constantFrom(...ALPHABET),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...VALID),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        randomScope,
        (base, muts, scope) => {
          let s = base;
          for (const m of muts) {
            const i = m.at % (s.length + 1);
            if (m.kind === 'insert') s = s.slice(0, i) + m.text + s.slice(i);
            else if (m.kind === 'delete') s = s.slice(0, i) + s.slice(i + m.len);
            else s = s.slice(0, i) + m.text + s.slice(i + m.len);
          }
          expectWellFormed(s);
          const r = parseExpression(s);
          if (r.ok) {
            const v = compileAst(r.ast)(scope);
            expect(v).not.toBeUndefined();
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('parses every seed expression', () => {
    for (const s of VALID) expect(parseExpression(s)).toMatchObject({ ok: true });
  });
});

// ---- generated ASTs: print, reparse, same value ----

const VARS = ['a', 'b', 'c', 'd', 'n', 't', 'missing'];
const PROPS = ['e', 'f', 'g', 'h'];
const BINARY: BinaryOp[] = ['||', '&&', '==', '!=', '<', '<=', '>', '>=', 'in', '+', '-', '*', '/', '%'];

const testScope: Scope = {
  a: 3,
  b: 'xyz',
  c: [1, 2, 'y', [3]],
  d: { e: 2, f: 'z', g: null, h: [1, 'e'] },
  n: null,
  t: true,
};

const lit = (value: string | number | boolean | null): Expr => ({ type: 'literal', value, ...at });
const ident = (name: string): Expr => ({ type: 'ident', name, ...at });

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.integer({ min: 0, max: 1000 }).map(lit),
  fc.integer({ min: 0, max: 100_000 }).map((v) => lit(v / 100)),
  fc.string({ unit: 'binary', maxLength: 6 }).map(lit),
  fc.constantFrom(true, false, null).map(lit),
  fc.constantFrom(...VARS).map(ident),
);

const path: fc.Arbitrary<Expr> = fc
  .tuple(fc.constantFrom(...VARS), fc.array(fc.constantFrom(...PROPS), { maxLength: 3 }))
  .map(([root, props]) =>
    props.reduce<Expr>(
      (object, property) => ({ type: 'member', object, property, propertyStart: 0, ...at }),
      ident(root),
    ),
  );

const { node } = fc.letrec<{ node: Expr }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 5, depthIdentifier: 'expr' },
    leaf,
    fc
      .record({ op: fc.constantFrom('!' as const, '-' as const), operand: tie('node') })
      .map((r): Expr => ({ type: 'unary', ...r, ...at })),
    fc
      .record({ op: fc.constantFrom(...BINARY), left: tie('node'), right: tie('node') })
      .map((r): Expr => ({ type: 'binary', ...r, ...at })),
    fc
      .record({ test: tie('node'), consequent: tie('node'), alternate: tie('node') })
      .map((r): Expr => ({ type: 'conditional', ...r, ...at })),
    fc
      .record({ object: tie('node'), property: fc.constantFrom(...PROPS) })
      .map((r): Expr => ({ type: 'member', ...r, propertyStart: 0, ...at })),
    fc.record({ object: tie('node'), index: tie('node') }).map((r): Expr => ({ type: 'index', ...r, ...at })),
    fc.array(tie('node'), { maxLength: 3 }).map((items): Expr => ({ type: 'list', items, ...at })),
    fc
      .record({ name: fc.constantFrom('size', 'lower', 'abs', 'int', 'string', 'floor'), arg: tie('node') })
      .map((r): Expr => ({ type: 'call', name: r.name, nameStart: 0, target: null, args: [r.arg], ...at })),
    fc
      .record({
        name: fc.constantFrom('contains', 'startsWith', 'endsWith'),
        target: tie('node'),
        arg: tie('node'),
      })
      .map(
        (r): Expr => ({ type: 'call', name: r.name, nameStart: 0, target: r.target, args: [r.arg], ...at }),
      ),
    fc
      .record({
        name: fc.constantFrom('min', 'max'),
        args: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
      })
      .map((r): Expr => ({ type: 'call', name: r.name, nameStart: 0, target: null, args: r.args, ...at })),
    path.map((p): Expr => ({ type: 'call', name: 'has', nameStart: 0, target: null, args: [p], ...at })),
  ),
}));

describe('printed ASTs', () => {
  it('reparse to an expression with the same value', () => {
    fc.assert(
      fc.property(node, (ast) => {
        const source = printExpression(ast);
        const r = parseExpression(source);
        if (!r.ok) throw new Error(`${source}\n${r.error.message} at ${r.error.offset}`);
        expect(compileAst(r.ast)(testScope)).toEqual(compileAst(ast)(testScope));
        // printing is stable
        expect(printExpression(r.ast)).toBe(source);
      }),
      { numRuns: 3000 },
    );
  });

  it('evaluate without throwing on arbitrary scopes', () => {
    fc.assert(
      fc.property(node, fc.dictionary(fc.constantFrom(...VARS), fc.anything()), (ast, scope) => {
        expect(compileAst(ast)(scope)).not.toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});
