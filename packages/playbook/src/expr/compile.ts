import type { BinaryNode, CallNode, CompiledExpression, Expr, Scope } from './ast.js';
import { LIMITS } from './ast.js';
import { ExpressionSyntaxError } from './errors.js';
import { type CallSite, lookupFunction } from './functions.js';
import { parseExpression } from './parser.js';
import {
  capString,
  deepEqual,
  getIndex,
  getProperty,
  getRoot,
  hasKey,
  isPlainObject,
  num,
} from './values.js';

/**
 * AST → closure tree. Each node becomes a small function of the scope, specialised for the
 * common shapes (`member.x.y`, comparison with a literal) so that evaluating a condition is a
 * handful of calls. Compiled expressions never throw: anything unexpected yields `null`.
 */

type Fn = (scope: Scope) => unknown;

/** Compiles a parsed AST (no cache). */
export function compileAst(ast: Expr): CompiledExpression {
  const f = compileNode(ast);
  return (scope) => {
    try {
      return f(scope);
    } catch {
      // only reachable through hostile scope values (throwing getters, proxies)
      return null;
    }
  };
}

const MAX_CACHE = 10_000;
const cache = new Map<string, CompiledExpression>();

/**
 * Compiles an expression, memoised by source (the oldest entries are dropped beyond 10,000).
 * Throws an `ExpressionSyntaxError` (with `.exprError`) when the source does not parse.
 */
export function compileExpression(source: string): CompiledExpression {
  let f = cache.get(source);
  if (f !== undefined) return f;
  const parsed = parseExpression(source);
  if (!parsed.ok) throw new ExpressionSyntaxError(parsed.error, String(source));
  f = compileAst(parsed.ast);
  if (cache.size >= MAX_CACHE) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(source, f);
  return f;
}

/** Compiles (cached) and evaluates; throws only for bad source. */
export function evaluateExpression(source: string, scope: Scope): unknown {
  return compileExpression(source)(scope);
}

/** `[root, k1, k2, ...]` when `e` is a chain of `.name` accesses on a variable. */
function staticPath(e: Expr): string[] | null {
  const keys: string[] = [];
  let cur: Expr = e;
  while (cur.type === 'member') {
    keys.push(cur.property);
    cur = cur.object;
  }
  if (cur.type !== 'ident') return null;
  keys.push(cur.name);
  return keys.reverse();
}

function compileNode(e: Expr): Fn {
  switch (e.type) {
    case 'literal': {
      const v = e.value;
      return () => v;
    }
    case 'list': {
      const items = e.items.map(compileNode);
      return (s) => {
        const out = new Array<unknown>(items.length);
        for (let i = 0; i < items.length; i++) out[i] = items[i]!(s);
        return out;
      };
    }
    case 'ident': {
      const name = e.name;
      return (s) => getRoot(s, name);
    }
    case 'member':
      return compileMember(e.object, e.property);
    case 'index': {
      const obj = compileNode(e.object);
      if (e.index.type === 'literal') {
        const key = e.index.value;
        return (s) => getIndex(obj(s), key);
      }
      const index = compileNode(e.index);
      return (s) => getIndex(obj(s), index(s));
    }
    case 'unary': {
      const f = compileNode(e.operand);
      if (e.op === '!') return (s) => !f(s);
      return (s) => {
        const v = f(s);
        return typeof v === 'number' ? 0 - v : null;
      };
    }
    case 'binary':
      return compileBinary(e);
    case 'conditional': {
      const test = compileNode(e.test);
      const then = compileNode(e.consequent);
      const otherwise = compileNode(e.alternate);
      return (s) => (test(s) ? then(s) : otherwise(s));
    }
    case 'call':
      return compileCall(e);
  }
}

function compileMember(object: Expr, key: string): Fn {
  const path = staticPath(object);
  if (path !== null) {
    const root = path[0]!;
    if (path.length === 1) return (s) => getProperty(getRoot(s, root), key);
    if (path.length === 2) {
      const k1 = path[1]!;
      return (s) => getProperty(getProperty(getRoot(s, root), k1), key);
    }
  }
  const obj = compileNode(object);
  return (s) => getProperty(obj(s), key);
}

type Relational = '<' | '<=' | '>' | '>=';

/** `a op b` for numbers or strings; `false` when either is null; `null` for other type mixes. */
export function compare(op: Relational, a: unknown, b: unknown): boolean | null {
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')) {
    switch (op) {
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      case '>=':
        return a >= b;
    }
  }
  return null;
}

/** `a in b`: list membership, substring, map key. */
export function membership(a: unknown, b: unknown): boolean | null {
  if (b === null || b === undefined || a === undefined) return false;
  if (Array.isArray(b)) {
    for (const x of b) if (deepEqual(x, a)) return true;
    return false;
  }
  if (typeof b === 'string') return typeof a === 'string' ? b.includes(a) : null;
  if (b instanceof Map) return b.has(a);
  if (isPlainObject(b)) return typeof a === 'string' ? hasKey(b, a) : null;
  return null;
}

/** `a + b`: numbers add, strings and lists concatenate (capped); anything else is null. */
export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return num(a + b);
  if (typeof a === 'string' && typeof b === 'string') {
    return a.length + b.length > LIMITS.maxStringLength
      ? capString(a + b.slice(0, LIMITS.maxStringLength))
      : a + b;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const out = a.concat(b);
    return out.length > LIMITS.maxListLength ? out.slice(0, LIMITS.maxListLength) : out;
  }
  return null;
}

function arithmetic(op: '-' | '*' | '/' | '%', l: Fn, r: Fn): Fn {
  switch (op) {
    case '-':
      return (s) => {
        const a = l(s);
        const b = r(s);
        return typeof a === 'number' && typeof b === 'number' ? num(a - b) : null;
      };
    case '*':
      return (s) => {
        const a = l(s);
        const b = r(s);
        return typeof a === 'number' && typeof b === 'number' ? num(a * b + 0) : null;
      };
    case '/':
      return (s) => {
        const a = l(s);
        const b = r(s);
        return typeof a === 'number' && typeof b === 'number' && b !== 0 ? num(a / b + 0) : null;
      };
    case '%':
      return (s) => {
        const a = l(s);
        const b = r(s);
        return typeof a === 'number' && typeof b === 'number' && b !== 0 ? num((a % b) + 0) : null;
      };
  }
}

function isPrimitiveLiteral(e: Expr): e is Expr & { type: 'literal'; value: string | number | boolean } {
  return e.type === 'literal' && e.value !== null;
}

function compileBinary(e: BinaryNode): Fn {
  const l = compileNode(e.left);
  const r = compileNode(e.right);
  switch (e.op) {
    case '&&':
      return (s) => Boolean(l(s)) && Boolean(r(s));
    case '||':
      return (s) => Boolean(l(s)) || Boolean(r(s));
    case '==':
    case '!=': {
      const negate = e.op === '!=';
      if (isPrimitiveLiteral(e.right)) {
        const c = e.right.value;
        return negate ? (s) => l(s) !== c : (s) => l(s) === c;
      }
      if (e.right.type === 'literal') return negate ? (s) => l(s) !== null : (s) => l(s) === null;
      return negate ? (s) => !deepEqual(l(s), r(s)) : (s) => deepEqual(l(s), r(s));
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const op = e.op;
      if (e.right.type === 'literal' && typeof e.right.value === 'number') {
        const c = e.right.value;
        const generic = (a: unknown) => compare(op, a, c);
        switch (op) {
          case '<':
            return (s) => {
              const a = l(s);
              return typeof a === 'number' ? a < c : generic(a);
            };
          case '<=':
            return (s) => {
              const a = l(s);
              return typeof a === 'number' ? a <= c : generic(a);
            };
          case '>':
            return (s) => {
              const a = l(s);
              return typeof a === 'number' ? a > c : generic(a);
            };
          case '>=':
            return (s) => {
              const a = l(s);
              return typeof a === 'number' ? a >= c : generic(a);
            };
        }
      }
      return (s) => compare(op, l(s), r(s));
    }
    case 'in':
      return (s) => membership(l(s), r(s));
    case '+':
      return (s) => add(l(s), r(s));
    default:
      return arithmetic(e.op, l, r);
  }
}

function compileCall(e: CallNode): Fn {
  if (e.name === 'has') return compileHas(e.args[0]!);
  const def = lookupFunction(e.name);
  if (!def) return () => null; // unreachable: the parser only accepts known functions
  const call = def.call;
  const site: CallSite = {};
  const fns = (e.target ? [e.target, ...e.args] : e.args).map(compileNode);
  switch (fns.length) {
    case 0:
      return (s) => call([], s, site) ?? null;
    case 1: {
      const a = fns[0]!;
      return (s) => call([a(s)], s, site) ?? null;
    }
    case 2: {
      const a = fns[0]!;
      const b = fns[1]!;
      return (s) => call([a(s), b(s)], s, site) ?? null;
    }
    default:
      return (s) =>
        call(
          fns.map((f) => f(s)),
          s,
          site,
        ) ?? null;
  }
}

function compileHas(arg: Expr): Fn {
  switch (arg.type) {
    case 'ident': {
      const name = arg.name;
      return (s) => s !== null && typeof s === 'object' && Object.hasOwn(s, name);
    }
    case 'member': {
      const obj = compileNode(arg.object);
      const key = arg.property;
      return (s) => hasKey(obj(s), key);
    }
    case 'index': {
      const obj = compileNode(arg.object);
      const key = compileNode(arg.index);
      return (s) => hasKey(obj(s), key(s));
    }
    default:
      return () => null; // unreachable: the parser only accepts paths
  }
}
