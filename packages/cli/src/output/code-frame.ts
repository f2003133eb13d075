import type { Diagnostic, Severity } from '@kith/playbook';
import { type Lang, messages } from '../i18n.js';
import { type Colors, createColors } from './colors.js';
import { codePointWidth } from './text-width.js';

/**
 * A diagnostic rendered like rustc / Babel:
 *
 * ```text
 * error[unknown-channel]: channel "tg" is not defined
 *   --> playbooks/welcome.yaml:12:19
 *    |
 * 10 |     steps:
 * 11 |       - id: hello
 * 12 |         send: { via: tg, text: hi }
 *    |                      ^^
 * 13 |       - id: settle
 *    |
 *    = hint: define it under `channels:` or use one of: group
 * ```
 *
 * Columns in the `-->` line are the diagnostic's own (1-based, UTF-16 code units, as editors
 * expect); the underline is placed by display width, so tabs (expanded to stops of `tabWidth`) and
 * wide CJK characters line up in a terminal.
 */

export interface CodeFrameOptions {
  /** Language of the message, hint and the frame's own words. Default `en`. */
  lang?: Lang;
  /** Colours; default none (plain text). */
  colors?: Colors;
  /** The path shown after `-->`; default the diagnostic's `file` as is. */
  displayPath?: (file: string) => string;
  /** Lines of context before the span. Default 2. */
  linesBefore?: number;
  /** Lines of context after the span. Default 1. */
  linesAfter?: number;
  /** Tab stops. Default 4. */
  tabWidth?: number;
  /** Lines wider than this (display columns) are windowed around the span. Default 200. */
  maxLineWidth?: number;
  /** Width of the window shown of a long line. Default 100. */
  windowWidth?: number;
}

/** The part of a diagnostic a frame needs. */
export type FrameSpan = Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>;

const plain = createColors(false);

/** The whole block for one diagnostic: header, location, frame (when the source is known), hint. */
export function renderDiagnostic(
  d: Diagnostic,
  source: string | undefined,
  options: CodeFrameOptions = {},
): string {
  const c = options.colors ?? plain;
  const lang = options.lang ?? 'en';
  const m = messages(lang);
  const { message, hint } = lang === 'zh-CN' ? d.zh : { message: d.message, hint: d.hint };
  const paint = severityColor(d.severity, c);
  const frame = source === undefined ? undefined : layoutFrame(source, d, options);
  const gutter = frame?.gutter ?? Math.max(1, String(d.line).length);
  const pad = ' '.repeat(gutter);
  const bar = c.blue(`${pad} |`);

  const out: string[] = [];
  out.push(`${c.bold(paint(`${m.severity[d.severity]}[${d.code}]`))}${c.bold(`: ${message}`)}`);
  const where = options.displayPath ? options.displayPath(d.file) : d.file;
  out.push(`${pad}${c.blue('-->')} ${where}:${d.line}:${d.column}`);
  if (frame) {
    out.push(bar);
    for (const row of frame.rows) {
      if (row.kind === 'ellipsis') out.push(c.blue('...'));
      else if (row.kind === 'source')
        out.push(trimEnd(`${c.blue(`${String(row.number).padStart(gutter)} |`)} ${row.text}`));
      else out.push(`${bar} ${' '.repeat(row.indent)}${paint('^'.repeat(row.length))}`);
    }
  }
  if (hint) {
    if (frame) out.push(bar);
    out.push(`${pad} ${c.blue('=')} ${c.bold(m.hint.trimEnd())}${m.hint.endsWith(' ') ? ' ' : ''}${hint}`);
  }
  return out.join('\n');
}

function severityColor(s: Severity, c: Colors): (t: string) => string {
  return s === 'error' ? c.red : s === 'warning' ? c.yellow : c.cyan;
}

function trimEnd(s: string): string {
  return s.replace(/\s+$/, '');
}

export type FrameRow =
  | { kind: 'source'; number: number; text: string }
  | { kind: 'underline'; indent: number; length: number }
  | { kind: 'ellipsis' };

export interface Frame {
  /** Width of the line-number column. */
  gutter: number;
  rows: FrameRow[];
}

/** Just the lines of a frame, without header or hint: `codeFrame(src, span)` for ad-hoc use. */
export function codeFrame(source: string, span: FrameSpan, options: CodeFrameOptions = {}): string {
  const f = layoutFrame(source, span, options);
  const pad = ' '.repeat(f.gutter);
  return f.rows
    .map((r) =>
      r.kind === 'ellipsis'
        ? '...'
        : r.kind === 'source'
          ? trimEnd(`${String(r.number).padStart(f.gutter)} | ${r.text}`)
          : `${pad} | ${' '.repeat(r.indent)}${'^'.repeat(r.length)}`,
    )
    .join('\n');
}

/** Computes which lines to show and where the carets go. Exported for tests and other renderers. */
export function layoutFrame(source: string, span: FrameSpan, options: CodeFrameOptions = {}): Frame {
  const before = options.linesBefore ?? 2;
  const after = options.linesAfter ?? 1;
  const tabWidth = options.tabWidth ?? 4;
  const maxWidth = options.maxLineWidth ?? 200;
  const windowWidth = Math.min(options.windowWidth ?? 100, maxWidth);
  const lines = source.split(/\r\n|\r|\n/);

  // Normalise the span: clamp into the text, and drop a tail that only reaches into the
  // leading whitespace of a later line (YAML node ranges often end at the next line's start).
  const clampLine = (n: number) => Math.min(Math.max(1, Math.trunc(n) || 1), lines.length);
  const startLine = clampLine(span.line);
  const startIdx =
    span.line > lines.length
      ? lineAt(lines, startLine).length
      : Math.max(0, (Math.trunc(span.column) || 1) - 1);
  let endLine = Math.max(startLine, clampLine(span.endLine));
  let endIdx = Math.max(0, (Math.trunc(span.endColumn) || 1) - 1);
  if (span.endLine > lines.length) endIdx = lineAt(lines, endLine).length;
  while (endLine > startLine && lineAt(lines, endLine).slice(0, endIdx).trim() === '') {
    endLine--;
    endIdx = lineAt(lines, endLine).length;
  }
  if (endLine === startLine && endIdx < startIdx) endIdx = startIdx;

  const firstShown = Math.max(1, startLine - before);
  const lastShown = Math.min(lines.length, endLine + after);
  const rows: FrameRow[] = [];
  const middle = endLine - startLine - 1;

  for (let n = firstShown; n <= lastShown; n++) {
    // Elide the inside of a long multi-line span: keep its first and last inner lines.
    if (middle > 3 && n > startLine + 1 && n < endLine - 1) {
      if (n === startLine + 2) rows.push({ kind: 'ellipsis' });
      continue;
    }
    const text = lineAt(lines, n);
    const cells = layoutLine(text, tabWidth);
    let mark: [number, number] | undefined;
    if (n === startLine && n === endLine) {
      mark = [displayCol(cells, startIdx), displayCol(cells, endIdx)];
    } else if (n === startLine) {
      mark = [displayCol(cells, startIdx), cells.width];
    } else if (n === endLine) {
      const firstNonSpace = text.length - text.trimStart().length;
      mark = [displayCol(cells, Math.min(firstNonSpace, endIdx)), displayCol(cells, endIdx)];
    }
    if (mark && mark[1] <= mark[0]) mark = [mark[0], mark[0] + 1];

    let win: [number, number] | undefined;
    if (cells.width > maxWidth) {
      const focus = mark ? mark[0] : displayCol(cells, startIdx);
      let ws = Math.max(0, focus - Math.floor(windowWidth / 3));
      const we = Math.min(cells.width, ws + windowWidth);
      ws = Math.max(0, we - windowWidth);
      win = [ws, we];
    }
    const shown = render(cells, win);
    rows.push({ kind: 'source', number: n, text: shown.text });
    if (mark) {
      let [a, b] = mark;
      if (win) {
        a = Math.min(Math.max(a, win[0]), win[1]);
        b = Math.min(Math.max(b, a + 1), win[1] + 1);
        a = a - win[0] + shown.shift;
        b = b - win[0] + shown.shift;
      }
      rows.push({ kind: 'underline', indent: a, length: Math.max(1, b - a) });
    }
  }
  return { gutter: String(lastShown).length, rows };
}

function lineAt(lines: string[], n: number): string {
  return lines[n - 1] ?? '';
}

interface Cell {
  /** What to print for this code point (tabs expanded, control characters replaced). */
  text: string;
  /** Display column it starts at. */
  col: number;
  width: number;
}

interface LaidOutLine {
  cells: Cell[];
  /** Display column of each UTF-16 index, `0..length` inclusive. */
  colAt: number[];
  width: number;
}

function layoutLine(line: string, tabWidth: number): LaidOutLine {
  const cells: Cell[] = [];
  const colAt: number[] = [];
  let col = 0;
  let i = 0;
  for (const ch of line) {
    const cp = ch.codePointAt(0)!;
    let text = ch;
    let width: number;
    if (ch === '\t') {
      width = tabWidth - (col % tabWidth);
      text = ' '.repeat(width);
    } else if (cp < 0x20 || cp === 0x7f) {
      text = '\uFFFD';
      width = 1;
    } else {
      width = codePointWidth(cp);
    }
    for (let k = 0; k < ch.length; k++) colAt[i + k] = col;
    cells.push({ text, col, width });
    col += width;
    i += ch.length;
  }
  colAt[i] = col;
  return { cells, colAt, width: col };
}

/** Display column of a UTF-16 index; past the end of the line counts on in single columns. */
function displayCol(l: LaidOutLine, idx: number): number {
  const last = l.colAt.length - 1;
  return idx <= last ? l.colAt[idx]! : l.width + (idx - last);
}

/** The line's text, or the part inside a window with `…` marking what was cut. */
function render(l: LaidOutLine, win: [number, number] | undefined): { text: string; shift: number } {
  if (!win) return { text: l.cells.map((c) => c.text).join(''), shift: 0 };
  const [ws, we] = win;
  const head = ws > 0 ? '…' : '';
  let out = head;
  let cur = ws;
  for (const c of l.cells) {
    if (c.col < ws || c.col + c.width > we) continue;
    if (c.col > cur) out += ' '.repeat(c.col - cur);
    out += c.text;
    cur = c.col + c.width;
  }
  if (we < l.width) out += '…';
  return { text: out, shift: head.length };
}
