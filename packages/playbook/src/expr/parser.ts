import { type BinaryOp, type Expr, type ExprError, FORBIDDEN_NAMES, LIMITS } from './ast.js';
import { ParseFailure, suggest } from './errors.js';
import { FUNCTION_NAMES, lookupFunction, METHOD_NAMES } from './functions.js';
import { type Token, tokenize } from './lexer.js';

export type ParseResult = { ok: true; ast: Expr } | { ok: false; error: ExprError };

/**
 * Parses an expression. Never throws, whatever the input: problems come back as an `ExprError`
 * whose offset and length lie within the source.
 */
export function parseExpression(source: string): ParseResult {
  if (typeof source !== 'string') {
    return { ok: false, error: { message: 'an expression must be a string', offset: 0, length: 0 } };
  }
  try {
    if (source.length > LIMITS.maxSourceLength) {
      throw new ParseFailure(
        `expression is too long (${source.length} characters; the limit is ${LIMITS.maxSourceLength}); split it into smaller conditions`,
        LIMITS.maxSourceLength,
        source.length - LIMITS.maxSourceLength,
      );
    }
    const ast = new Parser(tokenize(source)).parseTop();
    return { ok: true, ast };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: clamp(e, source.length) };
    if (e instanceof RangeError) {
      return { ok: false, error: { message: tooDeep, offset: 0, length: source.length } };
    }
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { message: `internal error: ${message}`, offset: 0, length: source.length } };
  }
}

const tooDeep = `expression is nested too deeply (more than ${LIMITS.maxDepth} levels); split it into simpler parts`;

function clamp(f: ParseFailure, n: number): ExprError {
  const offset = Math.min(Math.max(0, f.offset), n);
  const length = Math.min(Math.max(0, f.length), n - offset);
  return { message: f.message, offset, length };
}

/** Left binding power of infix operators; 0 for tokens that are not infix operators. */
function infixPower(t: Token): number {
  if (t.kind === 'ident') return t.value === 'in' ? 5 : 0;
  if (t.kind !== 'op') return 0;
  switch (t.value) {
    case '?':
      return 1;
    case '||':
      return 2;
    case '&&':
      return 3;
    case '==':
    case '!=':
      return 4;
    case '<':
    case '<=':
    case '>':
    case '>=':
      return 5;
    case '+':
    case '-':
      return 6;
    case '*':
    case '/':
    case '%':
      return 7;
    default:
      return 0;
  }
}

const WORD_OPERATORS: Record<string, string> = {
  and: '&&',
  or: '||',
  not: '!',
  AND: '&&',
  OR: '||',
  NOT: '!',
};

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of expression';
  if (t.kind === 'string') return 'string';
  return `'${t.value}'`;
}

class Parser {
  private pos = 0;
  private nesting = 0;
  private readonly depths = new WeakMap<Expr, number>();

  constructor(private readonly tokens: Token[]) {}

  parseTop(): Expr {
    if (this.peek().kind === 'eof') {
      throw new ParseFailure('empty expression: write a condition such as member.referrals >= 20', 0, 0);
    }
    const e = this.parseExpr(1);
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t, e);
    return e;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isOp(t: Token, value: string): boolean {
    return t.kind === 'op' && t.value === value;
  }

  /** Registers a node, enforcing the depth limit. */
  private node<T extends Expr>(n: T, ...children: (Expr | null)[]): T {
    let d = 0;
    for (const c of children) if (c) d = Math.max(d, this.depths.get(c) ?? 1);
    d += 1;
    if (d > LIMITS.maxDepth) throw new ParseFailure(tooDeep, n.start, n.end - n.start);
    this.depths.set(n, d);
    return n;
  }

  private enter(at: Token): void {
    if (++this.nesting > LIMITS.maxDepth) throw new ParseFailure(tooDeep, at.start, at.end - at.start);
  }

  private leave(): void {
    this.nesting--;
  }

  /** The error for a token that cannot come where it is, with a hint when the mistake is a common one. */
  private unexpected(t: Token, before?: Expr, expected?: string): ParseFailure {
    const length = t.end - t.start;
    if (t.kind === 'ident' && Object.hasOwn(WORD_OPERATORS, t.value) && t.value.toLowerCase() !== 'not') {
      return new ParseFailure(
        `'${t.value}' is not an operator; use '${WORD_OPERATORS[t.value]}'`,
        t.start,
        length,
      );
    }
    if (before?.type === 'ident' && (before.name === 'not' || before.name === 'NOT')) {
      return new ParseFailure(
        `'${before.name}' is not an operator; use '!'`,
        before.start,
        before.end - before.start,
      );
    }
    if (expected) return new ParseFailure(expected, t.start, length);
    if (this.isOp(t, ')'))
      return new ParseFailure("unexpected ')': there is no '(' to close", t.start, length);
    if (this.isOp(t, ']'))
      return new ParseFailure("unexpected ']': there is no '[' to close", t.start, length);
    if (this.isOp(t, ':')) {
      return new ParseFailure(
        "unexpected ':'; a conditional is written 'test ? then : else'",
        t.start,
        length,
      );
    }
    if (this.isOp(t, ',')) return new ParseFailure("unexpected ','", t.start, length);
    return new ParseFailure(
      `unexpected ${describe(t)} after a complete expression; is an operator such as '&&' or '==' missing?`,
      t.start,
      length,
    );
  }

  private parseExpr(minPower: number): Expr {
    this.enter(this.peek());
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const power = infixPower(t);
      if (power === 0 || power < minPower) break;
      this.next();
      if (power === 1) {
        const consequent = this.parseExpr(1);
        const colon = this.peek();
        if (!this.isOp(colon, ':')) {
          throw this.unexpected(
            colon,
            undefined,
            `expected ':' for the conditional '?' at ${t.start} (write 'test ? then : else')`,
          );
        }
        this.next();
        const alternate = this.parseExpr(1);
        left = this.node(
          { type: 'conditional', test: left, consequent, alternate, start: left.start, end: alternate.end },
          left,
          consequent,
          alternate,
        );
        continue;
      }
      const right = this.parseExpr(power + 1);
      left = this.node(
        { type: 'binary', op: t.value as BinaryOp, left, right, start: left.start, end: right.end },
        left,
        right,
      );
      if ((power === 4 || power === 5) && infixPower(this.peek()) === power) {
        const again = this.peek();
        throw new ParseFailure(
          `comparisons cannot be chained: write 'a < b && b < c' instead of 'a < b < c'`,
          again.start,
          again.end - again.start,
        );
      }
    }
    this.leave();
    return left;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (this.isOp(t, '!') || this.isOp(t, '-')) {
      this.next();
      this.enter(t);
      const operand = this.parseUnary();
      this.leave();
      return this.node(
        { type: 'unary', op: t.value as '!' | '-', operand, start: t.start, end: operand.end },
        operand,
      );
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private checkName(name: string, start: number, end: number): void {
    if (FORBIDDEN_NAMES.has(name)) {
      throw new ParseFailure(
        `'${name}' is not allowed as a name: it would reach JavaScript internals`,
        start,
        end - start,
      );
    }
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return this.node({ type: 'literal', value: Number(t.value), start: t.start, end: t.end });
      case 'string':
        return this.node({ type: 'literal', value: t.value, start: t.start, end: t.end });
      case 'ident': {
        if (t.value === 'true' || t.value === 'false') {
          return this.node({ type: 'literal', value: t.value === 'true', start: t.start, end: t.end });
        }
        if (t.value === 'null')
          return this.node({ type: 'literal', value: null, start: t.start, end: t.end });
        if (t.value === 'in') throw new ParseFailure("unexpected 'in'; expected a value", t.start, 2);
        if (Object.hasOwn(WORD_OPERATORS, t.value) && t.value.toLowerCase() !== 'not') {
          throw new ParseFailure(
            `'${t.value}' is not an operator; use '${WORD_OPERATORS[t.value]}'`,
            t.start,
            t.end - t.start,
          );
        }
        if (this.isOp(this.peek(), '(')) return this.parseCall(t, null);
        this.checkName(t.value, t.start, t.end);
        return this.node({ type: 'ident', name: t.value, start: t.start, end: t.end });
      }
      case 'eof':
        throw new ParseFailure('unexpected end of expression; expected a value', t.start, 0);
      default:
        break;
    }
    if (t.value === '(') {
      this.enter(t);
      const inner = this.parseExpr(1);
      this.leave();
      const close = this.peek();
      if (!this.isOp(close, ')'))
        throw this.unexpected(close, inner, `expected ')' to close '(' at ${t.start}`);
      this.next();
      // a parenthesised expression spans its parentheses
      inner.start = t.start;
      inner.end = close.end;
      return inner;
    }
    if (t.value === '[') {
      this.enter(t);
      const items: Expr[] = [];
      for (;;) {
        if (this.isOp(this.peek(), ']')) break;
        items.push(this.parseExpr(1));
        const sep = this.peek();
        if (this.isOp(sep, ',')) {
          this.next();
          continue;
        }
        if (this.isOp(sep, ']')) break;
        throw this.unexpected(sep, items[items.length - 1], `expected ',' or ']' to close '[' at ${t.start}`);
      }
      const close = this.next();
      this.leave();
      return this.node({ type: 'list', items, start: t.start, end: close.end }, ...items);
    }
    throw new ParseFailure(`unexpected '${t.value}'; expected a value`, t.start, t.end - t.start);
  }

  private parsePostfix(expr: Expr): Expr {
    let left = expr;
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '.')) {
        this.next();
        const name = this.next();
        if (name.kind !== 'ident') {
          const hint = name.kind === 'number' ? `; write [${name.value}] for a list item` : '';
          throw new ParseFailure(
            `expected a property name after '.'${hint}`,
            name.start,
            name.end - name.start,
          );
        }
        if (this.isOp(this.peek(), '(')) {
          left = this.parseCall(name, left);
          continue;
        }
        this.checkName(name.value, name.start, name.end);
        left = this.node(
          {
            type: 'member',
            object: left,
            property: name.value,
            propertyStart: name.start,
            start: left.start,
            end: name.end,
          },
          left,
        );
      } else if (this.isOp(t, '[')) {
        this.next();
        this.enter(t);
        const index = this.parseExpr(1);
        this.leave();
        const close = this.peek();
        if (!this.isOp(close, ']'))
          throw this.unexpected(close, index, `expected ']' to close '[' at ${t.start}`);
        this.next();
        if (index.type === 'literal' && typeof index.value === 'string') {
          this.checkName(index.value, index.start, index.end);
        }
        left = this.node(
          { type: 'index', object: left, index, start: left.start, end: close.end },
          left,
          index,
        );
      } else if (this.isOp(t, '(')) {
        throw new ParseFailure(
          `unexpected '(': only functions can be called, e.g. size(x) or x.contains(y)`,
          t.start,
          1,
        );
      } else {
        return left;
      }
    }
  }

  private parseCall(nameToken: Token, target: Expr | null): Expr {
    const name = nameToken.value;
    const def = lookupFunction(name);
    const nameLength = nameToken.end - nameToken.start;
    if (!def || (target && !def.method)) {
      const known = target ? METHOD_NAMES : FUNCTION_NAMES;
      const close = suggest(name, known);
      const hint = close ? `did you mean '${close}'? ` : '';
      if (def && target) {
        throw new ParseFailure(
          `'${name}' cannot be called as a method; write ${name}(…) instead`,
          nameToken.start,
          nameLength,
        );
      }
      throw new ParseFailure(
        target
          ? `unknown method '${name}': ${hint}methods are ${known.join(', ')}`
          : `unknown function '${name}': ${hint}known functions are ${known.join(', ')}`,
        nameToken.start,
        nameLength,
      );
    }
    const open = this.next(); // '('
    this.enter(open);
    const args: Expr[] = [];
    if (target) args.push(target);
    const explicit: Expr[] = [];
    for (;;) {
      if (this.isOp(this.peek(), ')')) break;
      const arg = this.parseExpr(1);
      args.push(arg);
      explicit.push(arg);
      const sep = this.peek();
      if (this.isOp(sep, ',')) {
        this.next();
        continue;
      }
      if (this.isOp(sep, ')')) break;
      throw this.unexpected(sep, arg, `expected ',' or ')' to close '(' at ${open.start}`);
    }
    const close = this.next();
    this.leave();
    const start = target ? target.start : nameToken.start;
    if (args.length < def.minArgs || args.length > def.maxArgs) {
      const expected =
        def.minArgs === def.maxArgs
          ? `${def.minArgs} argument${def.minArgs === 1 ? '' : 's'}`
          : def.maxArgs >= 100
            ? `at least ${def.minArgs} argument${def.minArgs === 1 ? '' : 's'}`
            : `${def.minArgs} to ${def.maxArgs} arguments`;
      const form = target ? ` (the value before '.${name}' counts as the first)` : '';
      throw new ParseFailure(
        `${name}() takes ${expected}${form} but got ${args.length}: ${def.signature}`,
        nameToken.start,
        close.end - nameToken.start,
      );
    }
    const problem = def.check?.(args);
    if (problem)
      throw new ParseFailure(problem.message, problem.node.start, problem.node.end - problem.node.start);
    return this.node(
      { type: 'call', name, nameStart: nameToken.start, target, args: explicit, start, end: close.end },
      target,
      ...explicit,
    );
  }
}
