import type { Change } from '../../api/types.js';

export type DiffLineKind = 'added' | 'removed' | 'context' | 'hunk' | 'file';

export interface DiffLine {
  kind: DiffLineKind;
  /** The line without its +/-/space marker. */
  text: string;
  /** Line number in the old text (removed, context), else null. */
  oldLine: number | null;
  /** Line number in the new text (added, context), else null. */
  newLine: number | null;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * A unified diff as lines to show with their numbers. A hunk's header says how many old and new
 * lines follow, so a removed YAML line that itself starts with `--` is never taken for a file
 * header; lines outside hunks (`---`, `+++`, `diff …`) are kept as `file`.
 */
export function parseUnified(unified: string): DiffLine[] {
  const out: DiffLine[] = [];
  let oldNo = 0;
  let newNo = 0;
  let oldLeft = 0;
  let newLeft = 0;
  const lines = unified.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    if (oldLeft > 0 || newLeft > 0) {
      const mark = line[0];
      if (mark === '+') {
        out.push({ kind: 'added', text: line.slice(1), oldLine: null, newLine: newNo++ });
        newLeft--;
        continue;
      }
      if (mark === '-') {
        out.push({ kind: 'removed', text: line.slice(1), oldLine: oldNo++, newLine: null });
        oldLeft--;
        continue;
      }
      if (mark === ' ' || line === '') {
        out.push({ kind: 'context', text: line.slice(1), oldLine: oldNo++, newLine: newNo++ });
        oldLeft--;
        newLeft--;
        continue;
      }
    }
    const hunk = HUNK.exec(line);
    if (hunk !== null) {
      oldNo = Number(hunk[1]);
      oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      newNo = Number(hunk[3]);
      newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      out.push({ kind: 'hunk', text: line, oldLine: null, newLine: null });
      continue;
    }
    out.push({ kind: 'file', text: line, oldLine: null, newLine: null });
  }
  return out;
}

export interface DiffStats {
  added: number;
  removed: number;
}

export function diffStats(lines: readonly DiffLine[]): DiffStats {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === 'added') added++;
    else if (l.kind === 'removed') removed++;
  }
  return { added, removed };
}

/** A JSON pointer as breadcrumbs: `/stages/attract/journeys/0` → `stages › attract › journeys › 1`. */
export function pointerLabel(path: string): string {
  if (path === '' || path === '/') return '(document)';
  return path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? `#${Number(s) + 1}` : s))
    .join(' › ');
}

/** A value shortened for one line: strings as they are, the rest as compact JSON. */
export function previewValue(value: unknown, max = 80): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const one = (text ?? String(value)).replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Changes grouped by their first path segment (`stages`, `offers`…), in the order met. */
export function groupChanges(changes: readonly Change[]): { section: string; changes: Change[] }[] {
  const groups = new Map<string, Change[]>();
  for (const c of changes) {
    const section = c.path.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~') || '(document)';
    let list = groups.get(section);
    if (list === undefined) {
      list = [];
      groups.set(section, list);
    }
    list.push(c);
  }
  return [...groups].map(([section, list]) => ({ section, changes: list }));
}
