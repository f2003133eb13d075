import type { ExprError } from './ast.js';

/** Thrown by `compileExpression` for bad source; `exprError` locates the problem. */
export class ExpressionSyntaxError extends Error {
  readonly exprError: ExprError;
  readonly source: string;

  constructor(error: ExprError, source: string) {
    super(`${error.message} (expression: ${abbreviate(source)})`);
    this.name = 'ExpressionSyntaxError';
    this.exprError = error;
    this.source = source;
  }
}

/** Internal: raised while lexing/parsing, turned into an `ExprError` result by `parseExpression`. */
export class ParseFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
    readonly length: number,
  ) {}
}

function abbreviate(source: string): string {
  return source.length > 80 ? `${source.slice(0, 77)}...` : source;
}

/** The closest candidate by edit distance, if it is close enough to be a plausible typo. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** Optimal string alignment distance (a transposition counts as one edit). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Number.POSITIVE_INFINITY;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
