import type { Span } from '@kith/playbook/browser';
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';

export type TestPath = readonly (string | number)[];

/**
 * Positions in a test file by JSON path. `validateTestText` gives positions only for the problems
 * it finds; a failing expectation is found later, at run time, so the runner parses the text
 * once more and maps the expectation's path to its node's range.
 */
export class TestPositions {
  private readonly lines = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(private readonly text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines });
  }

  /**
   * The span of the value at `path` (or, with `key`, of its key in the mapping that holds it), or
   * of its deepest existing parent when the path does not exist.
   */
  span(path: TestPath, options: { key?: boolean } = {}): Span {
    if (options.key && path.length > 0) {
      const parent = this.doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path.at(-1));
        const range = isScalar(pair?.key) ? pair.key.range : undefined;
        if (range) return this.at(range[0], range[1]);
      }
    }
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as Node | undefined;
      const range = node?.range;
      if (range !== undefined && range !== null && (n > 0 || path.length === 0)) {
        return this.at(range[0], range[1]);
      }
    }
    return this.at(0, 0);
  }

  private at(offset: number, endOffset: number): Span {
    const end = Math.max(offset, Math.min(endOffset, this.text.length));
    const a = this.lines.linePos(offset);
    const b = this.lines.linePos(end);
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col, offset, endOffset: end };
  }
}
