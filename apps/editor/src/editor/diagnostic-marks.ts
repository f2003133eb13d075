/** Where each diagnostic lands on the board: the innermost step (or journey) containing it. */
import type { Diagnostic } from '@kith/playbook/browser';
import type { BoardModel } from '../model/board.js';

export type Mark = 'error' | 'warning';

function worse(a: Mark | undefined, b: Mark): Mark {
  return a === 'error' || b === 'error' ? 'error' : 'warning';
}

/** Pointer of the innermost step/journey a diagnostic is about (by JSON path, then by offset). */
export function targetOf(model: BoardModel, d: Diagnostic, file: string): string | undefined {
  let best: { pointer: string; length: number } | undefined;
  for (const node of [...model.steps.values(), ...model.journeys.values()]) {
    const p = node.match ?? node.pointer;
    if ((d.path === p || d.path.startsWith(`${p}/`)) && (!best || p.length > best.length))
      best = { pointer: node.pointer, length: p.length };
  }
  if (best || d.file !== file) return best?.pointer;
  let span = Number.POSITIVE_INFINITY;
  let hit: string | undefined;
  for (const s of [...model.steps.values(), ...model.journeys.values()])
    if (!s.pointer.startsWith('~') && d.offset >= s.start && d.offset < s.end && s.end - s.start < span) {
      span = s.end - s.start;
      hit = s.pointer;
    }
  return hit;
}

export function marksOf(
  model: BoardModel,
  diagnostics: readonly Diagnostic[],
  file: string,
): Map<string, Mark> {
  const marks = new Map<string, Mark>();
  for (const d of diagnostics) {
    if (d.severity === 'info') continue;
    const p = targetOf(model, d, file);
    if (p) marks.set(p, worse(marks.get(p), d.severity));
  }
  return marks;
}

/**
 * `next`, or `previous` when they mark the same cards the same way: the board re-renders when its
 * `marks` property is a new object, and most keystrokes change no card's mark.
 */
export function sameMarks(previous: Map<string, Mark>, next: Map<string, Mark>): Map<string, Mark> {
  if (previous.size !== next.size) return next;
  for (const [k, v] of next) if (previous.get(k) !== v) return next;
  return previous;
}
