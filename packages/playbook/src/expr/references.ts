import type { Expr } from './ast.js';

/**
 * A variable path an expression reads, e.g. `['member', 'referrals']` for `member.referrals`.
 * `offset`/`length` cover the path's text in the source (from the root name to the last segment).
 */
export interface ExprReference {
  path: string[];
  offset: number;
  length: number;
}

/**
 * Longest static path of a member/index chain: `.name` segments and literal string indexes
 * (`a['x y']`). Returns null when the chain does not start at a variable or has a computed or
 * numeric index at this level.
 */
function pathOf(e: Expr): { path: string[]; start: number; end: number } | null {
  const segments: string[] = [];
  let cur: Expr = e;
  for (;;) {
    if (cur.type === 'member') {
      segments.push(cur.property);
      cur = cur.object;
    } else if (cur.type === 'index' && cur.index.type === 'literal' && typeof cur.index.value === 'string') {
      segments.push(cur.index.value);
      cur = cur.object;
    } else break;
  }
  if (cur.type !== 'ident') return null;
  segments.push(cur.name);
  return { path: segments.reverse(), start: cur.start, end: e.end };
}

/**
 * Every variable path used by the expression, in source order, one entry per occurrence. Paths
 * stop before a computed or numeric index (`member.tags[0]` gives `['member', 'tags']`; in
 * `a[b.c]` both `['a']` and `['b', 'c']` are reported). Function and method names are not
 * references; the argument of `has(...)` is.
 */
export function expressionReferences(ast: Expr): ExprReference[] {
  const out: ExprReference[] = [];
  const visit = (e: Expr): void => {
    switch (e.type) {
      case 'literal':
        return;
      case 'list':
        e.items.forEach(visit);
        return;
      case 'ident':
      case 'member':
      case 'index': {
        const p = pathOf(e);
        if (p) {
          out.push({ path: p.path, offset: p.start, length: p.end - p.start });
          return;
        }
        if (e.type === 'member') visit(e.object);
        else if (e.type === 'index') {
          visit(e.object);
          visit(e.index);
        }
        return;
      }
      case 'unary':
        visit(e.operand);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      case 'conditional':
        visit(e.test);
        visit(e.consequent);
        visit(e.alternate);
        return;
      case 'call':
        if (e.target) visit(e.target);
        e.args.forEach(visit);
        return;
    }
  };
  visit(ast);
  return out.sort((a, b) => a.offset - b.offset);
}
