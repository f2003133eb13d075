import { escapePointer } from '../http/validator.js';

export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** What keys an array's items by, when every item has one (steps by `id`, journeys by `journey`). */
function itemKey(items: unknown[]): ((v: unknown) => string) | undefined {
  for (const k of ['id', 'journey']) {
    if (items.length > 0 && items.every((x) => isObject(x) && typeof x[k] === 'string')) {
      return (v) => String((v as Record<string, unknown>)[k]);
    }
  }
  return undefined;
}

/**
 * The structural changes from `before` to `after`, as JSON pointers into `after` (into `before`
 * for removals). Lists of steps and journeys are matched by id, so moving one step is one change.
 */
export function structuralDiff(before: unknown, after: unknown, path = '', out: Change[] = []): Change[] {
  if (isObject(before) && isObject(after)) {
    for (const k of Object.keys(before)) {
      if (!(k in after))
        out.push({ path: `${path}/${escapePointer(k)}`, kind: 'removed', before: before[k] });
    }
    for (const [k, v] of Object.entries(after)) {
      const p = `${path}/${escapePointer(k)}`;
      if (!(k in before)) out.push({ path: p, kind: 'added', after: v });
      else structuralDiff(before[k], v, p, out);
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = itemKey(before) && itemKey(after) ? itemKey([...before, ...after]) : undefined;
    if (key) {
      const old = new Map(before.map((v, i) => [key(v), { v, i }]));
      const now = new Set(after.map(key));
      for (const [k, { v, i }] of old)
        if (!now.has(k)) out.push({ path: `${path}/${i}`, kind: 'removed', before: v });
      after.forEach((v, i) => {
        const prev = old.get(key(v));
        if (prev === undefined) out.push({ path: `${path}/${i}`, kind: 'added', after: v });
        else structuralDiff(prev.v, v, `${path}/${i}`, out);
      });
      return out;
    }
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      if (i >= after.length) out.push({ path: `${path}/${i}`, kind: 'removed', before: before[i] });
      else if (i >= before.length) out.push({ path: `${path}/${i}`, kind: 'added', after: after[i] });
      else structuralDiff(before[i], after[i], `${path}/${i}`, out);
    }
    return out;
  }
  if (!Object.is(before, after)) out.push({ path: path === '' ? '' : path, kind: 'changed', before, after });
  return out;
}

/**
 * A unified diff of two texts (3 lines of context), from a longest-common-subsequence of lines.
 * Texts are bounded by the playbook size limit; above 2 million line pairs it falls back to a whole
 * replacement rather than use quadratic memory.
 */
export function unifiedDiff(a: string, b: string, aName: string, bName: string): string {
  if (a === b) return '';
  const x = a.split('\n');
  const y = b.split('\n');
  const ops = x.length * y.length > 2_000_000 ? replaceAll(x, y) : lcsOps(x, y);
  const lines: string[] = [`--- ${aName}`, `+++ ${bName}`];
  const CONTEXT = 3;
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.op === ' ') {
      i++;
      continue;
    }
    let start = Math.max(0, i - CONTEXT);
    let end = i;
    // extend the hunk while changes are within 2×CONTEXT of each other
    for (;;) {
      while (end < ops.length && ops[end]?.op !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]?.op === ' ') next++;
      if (next < ops.length && next - end <= CONTEXT * 2) end = next;
      else break;
    }
    end = Math.min(ops.length, end + CONTEXT);
    const hunk = ops.slice(start, end);
    const first = hunk[0];
    const aStart = (first?.a ?? 0) + 1;
    const bStart = (first?.b ?? 0) + 1;
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    lines.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const o of hunk) lines.push(`${o.op}${o.text}`);
    i = end;
    start = end;
  }
  return `${lines.join('\n')}\n`;
}

interface Op {
  op: ' ' | '-' | '+';
  text: string;
  a: number;
  b: number;
}

function replaceAll(x: string[], y: string[]): Op[] {
  return [
    ...x.map((text, i): Op => ({ op: '-', text, a: i, b: 0 })),
    ...y.map((text, j): Op => ({ op: '+', text, a: x.length, b: j })),
  ];
}

function lcsOps(x: string[], y: string[]): Op[] {
  const n = x.length;
  const m = y.length;
  const w = m + 1;
  const t = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i * w + j] =
        x[i] === y[j]
          ? (t[(i + 1) * w + j + 1] ?? 0) + 1
          : Math.max(t[(i + 1) * w + j] ?? 0, t[i * w + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      ops.push({ op: ' ', text: x[i] ?? '', a: i, b: j });
      i++;
      j++;
    } else if ((t[(i + 1) * w + j] ?? 0) >= (t[i * w + j + 1] ?? 0)) {
      ops.push({ op: '-', text: x[i] ?? '', a: i, b: j });
      i++;
    } else {
      ops.push({ op: '+', text: y[j] ?? '', a: i, b: j });
      j++;
    }
  }
  for (; i < n; i++) ops.push({ op: '-', text: x[i] ?? '', a: i, b: j });
  for (; j < m; j++) ops.push({ op: '+', text: y[j] ?? '', a: i, b: j });
  return ops;
}
