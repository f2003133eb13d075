import { describe, expect, it } from 'vitest';
import { type Expr, type ExprError, parseExpression } from './index.js';

/** Compact S-expression of an AST, to check structure and precedence. */
function sx(e: Expr): string {
  switch (e.type) {
    case 'literal':
      return JSON.stringify(e.value);
    case 'list':
      return `[${e.items.map(sx).join(' ')}]`;
    case 'ident':
      return e.name;
    case 'member':
      return `(. ${sx(e.object)} ${e.property})`;
    case 'index':
      return `([] ${sx(e.object)} ${sx(e.index)})`;
    case 'unary':
      return `(${e.op} ${sx(e.operand)})`;
    case 'binary':
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'conditional':
      return `(? ${sx(e.test)} ${sx(e.consequent)} ${sx(e.alternate)})`;
    case 'call':
      return `(${e.target ? `.${e.name}` : e.name}${e.target ? ` ${sx(e.target)}` : ''}${e.args.map((a) => ` ${sx(a)}`).join('')})`;
  }
}

function parse(source: string): string {
  const r = parseExpression(source);
  if (!r.ok) throw new Error(`did not parse: ${r.error.message}`);
  return sx(r.ast);
}

function error(source: string): ExprError {
  const r = parseExpression(source);
  if (r.ok) throw new Error(`unexpectedly parsed: ${source}`);
  return r.error;
}

describe('parseExpression: literals and access', () => {
  it.each([
    ['42', '42'],
    ['3.25', '3.25'],
    ["'it\\'s'", '"it\'s"'],
    ['"tab\\there"', '"tab\\there"'],
    ["'\\u4f60\\u{597d}'", '"你好"'],
    ['true', 'true'],
    ['false', 'false'],
    ['null', 'null'],
    ['[1, "a", [true]]', '[1 "a" [true]]'],
    ['[1, 2,]', '[1 2]'],
    ['[]', '[]'],
    ['member', 'member'],
    ['member.referrals', '(. member referrals)'],
    ["member.attributes['due date']", '([] (. member attributes) "due date")'],
    ['a[0].b', '(. ([] a 0) b)'],
    ['member.属性.宝宝月龄', '(. (. member 属性) 宝宝月龄)'],
    ['a.in', '(. a in)'],
  ])('%s', (source, expected) => {
    expect(parse(source)).toBe(expected);
  });

  it('records offsets on every node', () => {
    const r = parseExpression('  member.referrals >= 20');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ast = r.ast;
    expect(ast).toMatchObject({ type: 'binary', start: 2, end: 24 });
    if (ast.type !== 'binary') return;
    expect(ast.left).toMatchObject({ type: 'member', start: 2, end: 18, propertyStart: 9 });
    expect(ast.right).toMatchObject({ type: 'literal', value: 20, start: 22, end: 24 });
  });
});

describe('parseExpression: precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['8 / 4 / 2', '(/ (/ 8 4) 2)'],
    ['7 % 3 * 2', '(* (% 7 3) 2)'],
    ['-a.b', '(- (. a b))'],
    ['!a && b', '(&& (! a) b)'],
    ['!!a', '(! (! a))'],
    ['- -1', '(- (- 1))'],
    ['-2 * 3', '(* (- 2) 3)'],
    ['a || b && c', '(|| a (&& b c))'],
    ['a && b || c && d', '(|| (&& a b) (&& c d))'],
    ['a == b && c != d', '(&& (== a b) (!= c d))'],
    ['a < b == c > d', '(== (< a b) (> c d))'],
    ['a + 1 >= b * 2', '(>= (+ a 1) (* b 2))'],
    ["'x' in a.tags || b", '(|| (in "x" (. a tags)) b)'],
    ['a ? b : c ? d : e', '(? a b (? c d e))'],
    ['a ? b ? c : d : e', '(? a (? b c d) e)'],
    ['a || b ? c + 1 : d', '(? (|| a b) (+ c 1) d)'],
    ['size(a) > 2', '(> (size a) 2)'],
    ["a.b.contains('x')", '(.contains (. a b) "x")'],
    ["lower(a).startsWith('x') && true", '(&& (.startsWith (lower a) "x") true)'],
    ['has(member.attributes.x)', '(has (. (. member attributes) x))'],
    ['max(1, 2, 3)', '(max 1 2 3)'],
    ['timeOfDay()', '(timeOfDay)'],
    ['[1, 2][0]', '([] [1 2] 0)'],
  ])('%s', (source, expected) => {
    expect(parse(source)).toBe(expected);
  });
});

describe('parseExpression: errors say where and what to do', () => {
  it.each<[string, string | RegExp, number, number]>([
    ['member.tier = 1', "unexpected '='; did you mean '=='?", 12, 1],
    ['a === b', "'===' is not an operator; use '=='", 2, 3],
    ['a !== b', "'!==' is not an operator; use '!='", 2, 3],
    ['a <> b', "'<>' is not an operator; use '!='", 2, 2],
    ['a => b', /did you mean '>='/, 2, 2],
    ['a & b', "'&' is not an operator; use '&&'", 2, 1],
    ['a | b', "'|' is not an operator; use '||'", 2, 1],
    ['a and b', "'and' is not an operator; use '&&'", 2, 3],
    ['a or b', "'or' is not an operator; use '||'", 2, 2],
    ['not a', "'not' is not an operator; use '!'", 0, 3],
    ['(a and b)', "'and' is not an operator; use '&&'", 3, 3],
    ["'abc", "unterminated string: add the closing '", 0, 4],
    ['x == "abc', 'unterminated string: add the closing "', 5, 4],
    ["'a\\qb'", /unknown escape '\\q'/, 2, 2],
    ["'\\u12'", /invalid unicode escape/, 1, 2],
    ['size(a', "expected ',' or ')' to close '(' at 4", 6, 0],
    ['(1 + 2', "expected ')' to close '(' at 0", 6, 0],
    ['(member.x > 1 && (b)', "expected ')' to close '(' at 0", 20, 0],
    ['[1, 2', "expected ',' or ']' to close '[' at 0", 5, 0],
    ['a[1', "expected ']' to close '[' at 1", 3, 0],
    ['a ? b', /expected ':' for the conditional '\?' at 2/, 5, 0],
    ['1 +', 'unexpected end of expression; expected a value', 3, 0],
    ['', /empty expression/, 0, 0],
    ['   ', /empty expression/, 0, 0],
    ['a b', /unexpected 'b' after a complete expression/, 2, 1],
    ['a )', "unexpected ')': there is no '(' to close", 2, 1],
    ['* 2', "unexpected '*'; expected a value", 0, 1],
    ['a # b', "unexpected character '#'", 2, 1],
    ['{{ member.name }}', /conditions are expressions, not templates/, 0, 2],
    ['12abc', /invalid number '12abc'/, 0, 5],
    ['member.0', /expected a property name after '.'; write \[0\]/, 7, 1],
    ['a < b < c', /comparisons cannot be chained/, 6, 1],
    ['a == b != c', /comparisons cannot be chained/, 7, 2],
    ['foo(1)', /^unknown function 'foo': known functions are size, has, /, 0, 3],
    ['sise(x)', /unknown function 'sise': did you mean 'size'\?/, 0, 4],
    ["x.contians('a')", /unknown method 'contians': did you mean 'contains'\?/, 2, 8],
    ['x.abs()', /'abs' cannot be called as a method; write abs\(…\) instead/, 2, 3],
    ['size(1, 2)', /size\(\) takes 1 argument but got 2/, 0, 10],
    [
      "a.contains('x', 'y')",
      /contains\(\) takes 2 arguments \(the value before '.contains' counts as the first\) but got 3/,
      2,
      18,
    ],
    ['has(1 + 2)', /has\(\) expects a field path/, 4, 5],
    ["matches(x, '(a+)+$')", /repeated group that itself repeats/, 11, 8],
    ["matches(x, '[')", /invalid regular expression/, 11, 3],
    [
      `matches(x, '${'a'.repeat(201)}')`,
      /regular expression is too long \(201 characters; the limit is 200\)/,
      11,
      203,
    ],
    ["duration('7x')", /invalid duration '7x'/, 9, 4],
    ["timeOfDay('Mars/Base')", /unknown time zone 'Mars\/Base'/, 10, 11],
    ['(a)(b)', /only functions can be called/, 3, 1],
    ['a.__proto__', /'__proto__' is not allowed as a name/, 2, 9],
    ['a.constructor', /'constructor' is not allowed/, 2, 11],
    ['a.b.prototype', /'prototype' is not allowed/, 4, 9],
    ["a['__proto__']", /'__proto__' is not allowed/, 2, 11],
    ['constructor', /'constructor' is not allowed/, 0, 11],
    ['__proto__.x', /'__proto__' is not allowed/, 0, 9],
  ])('%s', (source, message, offset, length) => {
    const e = error(source);
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
    expect({ offset: e.offset, length: e.length }).toEqual({ offset, length });
  });

  it('limits the source length', () => {
    const e = error(`a${' + a'.repeat(1200)}`);
    expect(e.message).toMatch(/too long \(4801 characters; the limit is 4000\)/);
    expect(e.offset).toBe(4000);
    expect(e.length).toBe(801);
  });

  it('limits nesting depth with an error, not a stack overflow', () => {
    expect(error(`${'('.repeat(100)}1${')'.repeat(100)}`).message).toMatch(/nested too deeply/);
    expect(error(`${'!'.repeat(100)}a`).message).toMatch(/nested too deeply/);
    expect(error(`${'['.repeat(100)}${']'.repeat(100)}`).message).toMatch(/nested too deeply/);
    expect(error(Array.from({ length: 80 }, (_, i) => `a${i}`).join(' + ')).message).toMatch(
      /nested too deeply/,
    );
    expect(error(`a${'.b'.repeat(80)}`).message).toMatch(/nested too deeply/);
    expect(error(`${'('.repeat(2000)}1${')'.repeat(1999)}`).message).toMatch(/nested too deeply/);
    expect(parseExpression(Array.from({ length: 40 }, (_, i) => `a${i}`).join(' + ')).ok).toBe(true);
  });

  it('never throws on non-string input', () => {
    expect(parseExpression(undefined as unknown as string)).toMatchObject({ ok: false });
    expect(parseExpression(42 as unknown as string)).toMatchObject({ ok: false });
  });
});
