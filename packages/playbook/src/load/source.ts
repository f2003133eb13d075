import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  Scalar,
  visit,
  type YAMLError,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Span } from '../diagnostics.js';
import type { Issue } from '../validate/issue.js';
import { parseDocumentOnce } from './cst-cache.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';

/** One YAML file, parsed, with what is needed to point back into it. */
export interface SourceFile {
  file: string;
  text: string;
  doc: Document.Parsed | undefined;
}

/** Where a value built from YAML came from: the node of its collection. */
export interface Origin {
  source: SourceFile;
  node: YAMLMap | YAMLSeq;
  /**
   * Added to the node's offsets: a piece of the file read on its own (incremental validation)
   * keeps its nodes as parsed and only this changes when text before it grows or shrinks.
   */
  shift?: number;
}

/**
 * Values built from YAML remember the collection node they came from, so that any JSON path into
 * the (possibly merged) value can be turned back into file:line:col.
 */
export class Origins {
  private readonly objects = new WeakMap<object, Origin>();
  private readonly keys = new WeakMap<object, Map<string | number, Origin>>();

  set(value: object, origin: Origin): void {
    this.objects.set(value, origin);
  }

  get(value: object): Origin | undefined {
    return this.objects.get(value);
  }

  /** Record that `value[key]` came from another collection than `value` itself (merges). */
  setKey(value: object, key: string | number, origin: Origin): void {
    let m = this.keys.get(value);
    if (!m) {
      m = new Map();
      this.keys.set(value, m);
    }
    m.set(key, origin);
  }

  getKey(value: object, key: string | number): Origin | undefined {
    return this.keys.get(value)?.get(key);
  }
}

export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** YAML 1.2 core tags that are fine to write explicitly (`!!str 123`). */
const CORE_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

export interface LoadResult {
  source: SourceFile;
  /** The document as plain JSON values, undefined when it could not be read at all. */
  value: unknown;
  issues: Issue[];
}

/**
 * Parse YAML text into plain values, recording origins. Never throws: hostile input (alias bombs,
 * deep nesting, binary, custom tags, duplicate or prototype keys) becomes issues.
 */
export function loadYaml(
  text: string,
  file: string,
  origins: Origins,
  limits: LoadLimits = DEFAULT_LIMITS,
): LoadResult {
  return loadFragment(text, file, origins, 0, limits);
}

/** What `loadFragment` adds to a `LoadResult`: the counts the limits apply to. */
export interface FragmentResult extends LoadResult {
  /** Nodes built (aliases expanded), as counted against `maxNodes`. */
  nodes: number;
  /** Aliases met, as counted against `maxAliasExpansions`. */
  aliases: number;
}

/**
 * `loadYaml` for a piece of a document read on its own, whose root sits `depth` levels deep in
 * the whole document (so the depth limit applies as it would there).
 */
export function loadFragment(
  text: string,
  file: string,
  origins: Origins,
  depth: number,
  limits: LoadLimits = DEFAULT_LIMITS,
): FragmentResult {
  // Line starts are computed only when a diagnostic needs a position (see spanOf).
  const source: SourceFile = { file, text, doc: undefined };
  const issues: Issue[] = [];
  if (text.length > limits.maxChars) {
    issues.push({
      code: 'file-too-large',
      at: { offset: 0, endOffset: 0 },
      args: { size: text.length, max: limits.maxChars },
    });
    return { source, value: undefined, issues, nodes: 0, aliases: 0 };
  }
  if (text.includes('\u0000')) {
    const offset = text.indexOf('\u0000');
    issues.push({ code: 'binary-file', at: { offset, endOffset: offset + 1 }, args: {} });
    return { source, value: undefined, issues, nodes: 0, aliases: 0 };
  }
  const tooDeep = exceedsFlowDepth(text, limits.maxDepth) ?? exceedsBlockDepth(text, limits.maxDepth);
  if (tooDeep !== undefined) {
    issues.push({
      code: 'yaml-too-deep',
      at: { offset: tooDeep, endOffset: tooDeep + 1 },
      args: { max: limits.maxDepth },
    });
    return { source, value: undefined, issues, nodes: 0, aliases: 0 };
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocumentOnce(text, {
      uniqueKeys: true,
      prettyErrors: false,
      keepSourceTokens: false,
    });
  } catch {
    // The parser recurses on nesting it cannot see coming (block nesting); a stack overflow is
    // reported, not thrown.
    issues.push({ code: 'yaml-too-deep', at: { offset: 0, endOffset: 0 }, args: { max: limits.maxDepth } });
    return { source, value: undefined, issues, nodes: 0, aliases: 0 };
  }
  source.doc = doc;
  // One mistake often derails the parser for the rest of the file, repeating the same complaint:
  // report each kind of complaint once, and the first few only.
  const said = new Set<string>();
  // Hostile input yields thousands of errors; placing one may walk the document, so look at the
  // first few dozen only.
  for (const e of doc.errors.slice(0, 5 * MAX_SYNTAX_ERRORS)) {
    const issue = syntaxIssue(e, doc, text, limits);
    // Past a stack overflow, the rest is noise.
    if (issue.code === 'yaml-too-deep') {
      issues.push(issue);
      break;
    }
    // One unclosed bracket leaves the brackets around it unclosed too: report the first only.
    const unclosed = /is never closed|end with a [\]}]$/.test(String(issue.args.detail ?? ''));
    const key = unclosed ? 'unclosed' : `${issue.code}|${issue.args.detail ?? ''}`;
    if (said.has(key)) continue;
    said.add(key);
    issues.push(issue);
    if (issues.length >= MAX_SYNTAX_ERRORS) break;
  }
  if (doc.errors.length > 0) return { source, value: undefined, issues, nodes: 0, aliases: 0 };
  const builder = new ValueBuilder(source, origins, limits, issues);
  const value = builder.build(doc.contents as Node | null, depth);
  return {
    source,
    value: builder.aborted || builder.broken ? undefined : value,
    issues,
    nodes: builder.nodes,
    aliases: builder.aliases,
  };
}

/** YAML errors reported per file; later ones are mostly consequences of the first. */
const MAX_SYNTAX_ERRORS = 10;

/** Word and place a parser error where the mistake is, rather than where the parser noticed it. */
function syntaxIssue(e: YAMLError, doc: Document.Parsed, text: string, limits: LoadLimits): Issue {
  const at = { offset: e.pos[0], endOffset: Math.max(e.pos[1], e.pos[0] + 1) };
  const message = firstLine(e.message);
  // The parser turns its own stack overflow on deep block nesting into an error.
  if (/call stack/i.test(message)) return { code: 'yaml-too-deep', at, args: { max: limits.maxDepth } };
  if (e.code === 'DUPLICATE_KEY') {
    const dup = duplicateKey(doc, e.pos[0]);
    if (dup) {
      const line = text.slice(0, dup.first).split('\n').length;
      return {
        code: 'yaml-duplicate-key',
        at: { offset: dup.range[0], endOffset: dup.range[1] },
        args: { detail: `\`${dup.name}\` appears twice in the same mapping (first on line ${line})` },
      };
    }
    return { code: 'yaml-duplicate-key', at, args: { detail: message } };
  }
  if (e.code === 'MULTIPLE_DOCS') {
    return {
      code: 'yaml-syntax',
      at: { offset: e.pos[0], endOffset: Math.min(e.pos[1], e.pos[0] + 3) },
      args: { detail: 'a playbook is a single YAML document; remove the `---` line and what follows it' },
    };
  }
  // An unclosed quote or bracket is noticed at the end of the file or of the block; point at
  // where it was opened.
  const quote = /^Missing closing (["'])quote/.exec(message);
  const bracket = /end with a ([\]}])$/.exec(message);
  if (quote || bracket) {
    const close = quote ? quote[1]! : bracket![1]!;
    const open = opener(doc, text, e.pos[0], close);
    if (open !== undefined) {
      const what = quote ? `the quote \`${close}\`` : `this \`${close === ']' ? '[' : '{'}\``;
      return {
        code: 'yaml-syntax',
        at: { offset: open, endOffset: open + 1 },
        args: { detail: `${what} is never closed: add \`${close}\` where the value ends` },
      };
    }
  }
  return { code: 'yaml-syntax', at, args: { detail: message } };
}

/** Where keys, quoted scalars and flow collections are: collected once, on the first need. */
interface DocIndex {
  /** Each key that repeats an earlier key of its mapping, with that earlier key's offset. */
  repeats: { name: string; range: [number, number]; first: number }[];
  /** Quoted scalars and flow collections: [start, value end, what opens them]. */
  openers: [number, number, string][];
}

const indexes = new WeakMap<Document.Parsed, DocIndex>();

function indexOf(doc: Document.Parsed): DocIndex {
  let index = indexes.get(doc);
  if (index) return index;
  index = { repeats: [], openers: [] };
  const { repeats, openers } = index;
  visit(doc, {
    // (`visit` calls the most specific visitor only: maps come here, not to `Node`.)
    Map(_, map) {
      if (map.flow === true && map.range) openers.push([map.range[0], map.range[1], '{']);
      const seen = new Map<unknown, number>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key) || !key.range) continue;
        const first = seen.get(key.value);
        if (first !== undefined)
          repeats.push({ name: String(key.value), range: [key.range[0], key.range[1]], first });
        else seen.set(key.value, key.range[0]);
      }
    },
    Node(_, node) {
      const r = node.range;
      if (!r) return;
      if (isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)) {
        openers.push([r[0], r[1], node.type === Scalar.QUOTE_DOUBLE ? '"' : "'"]);
      } else if (isCollection(node) && node.flow === true) {
        openers.push([r[0], r[1], '[']);
      }
    },
  });
  indexes.set(doc, index);
  return index;
}

/** The key at `offset` that repeats an earlier key of its mapping. */
function duplicateKey(doc: Document.Parsed, offset: number) {
  return indexOf(doc).repeats.find((r) => r.range[0] === offset);
}

/** Offset of the unclosed quote or bracket whose value runs up to `offset`. */
function opener(doc: Document.Parsed, text: string, offset: number, close: string): number | undefined {
  const open = close === ']' ? '[' : close === '}' ? '{' : close;
  let best: number | undefined;
  for (const [start, end, what] of indexOf(doc).openers) {
    if (what !== open || start >= offset || end < offset - 1 || text[start] !== open) continue;
    const raw = text.slice(start, end).trimEnd();
    const unclosed = raw.length < 2 || !raw.endsWith(close);
    // The innermost (latest-starting) one is the culprit.
    if (unclosed && (best === undefined || start > best)) best = start;
  }
  return best;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Flow collections (`[[[[…`) nest without indentation; count them before the parser recurses.
 * Returns the offset of the first bracket deeper than `max`, when the nesting goes past twice that.
 */
export function exceedsFlowDepth(text: string, max: number): number | undefined {
  let depth = 0;
  let deepest = -1;
  // The same count on each line alone, quotes or not: an earlier stray bracket or quote cannot
  // hide a run of brackets on one line.
  let lineDepth = 0;
  let lineDeepest = -1;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++lineDepth === max + 1) lineDeepest = i;
      if (lineDepth > max * 2) return lineDeepest;
    } else if (c === 93 || c === 125) {
      if (lineDepth > 0) lineDepth--;
    } else if (c === 10) {
      lineDepth = 0;
    }
    if (quote) {
      if (text[i] === quote) quote = '';
      else if (c === 10) quote = '';
      continue;
    }
    if (c === 91 || c === 123) {
      if (++depth === max + 1) deepest = i;
      if (depth > max * 2) return deepest;
    } else if (c === 93 || c === 125) {
      if (depth > 0) depth--;
    } else if (c === 10) {
      // Flow collections may span lines but rarely deeply: reset only outside them.
    } else if ((c === 34 || c === 39) && depth > 0) {
      quote = text[i]!;
    } else if (c === 35 && (i === 0 || text[i - 1] === ' ')) {
      // A comment: on to its line's end (the newline itself is seen next).
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 10) i++;
    }
  }
  return undefined;
}

/**
 * Block collections nest by indentation and by compact indicators (`- - - x`). Past several
 * hundred levels the parser overflows its stack, and doing that twice in one process can crash
 * V8 outright: estimate the nesting from indentation first, and refuse twice the limit. Returns
 * the offset of the first line deeper than `max`.
 */
export function exceedsBlockDepth(text: string, max: number): number | undefined {
  const stack: number[] = [];
  let deepest = -1;
  let scalarIndent = -1; // inside a block scalar (`|`, `>`) started on a line of this indentation
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let i = start;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const indent = i - start;
    const blank = i >= end || text[i] === '#' || text[i] === '\r';
    if (!blank && !(scalarIndent >= 0 && indent > scalarIndent)) {
      scalarIndent = -1;
      while (stack.length > 0 && stack.at(-1)! >= indent) stack.pop();
      const push = (column: number) => {
        stack.push(column);
        if (stack.length === max + 1) deepest = start + column;
      };
      push(indent);
      // Compact nesting on one line: `- - x`, `? - x`.
      while (i + 1 < end && (text[i] === '-' || text[i] === '?') && text[i + 1] === ' ') {
        i += 2;
        while (i < end && text.charCodeAt(i) === 32) i++;
        push(i - start);
        if (stack.length > max * 2) return deepest;
      }
      if (stack.length > max * 2) return deepest;
      if (
        /[|>][-+0-9]*[ \t]*(#.*)?\r?$/.test(text.slice(i, end)) &&
        /(^|[:\-?] *)[|>]/.test(text.slice(i, end))
      ) {
        scalarIndent = indent;
      }
    }
    start = end + 1;
  }
  return undefined;
}

class ValueBuilder {
  aborted = false;
  /** A problem that makes the value meaningless (an alias to nothing): no schema checks. */
  broken = false;
  nodes = 0;
  aliases = 0;
  private expanding: Node | undefined;

  constructor(
    private readonly source: SourceFile,
    private readonly origins: Origins,
    private readonly limits: LoadLimits,
    private readonly issues: Issue[],
  ) {}

  build(node: Node | null, depth: number): unknown {
    if (this.aborted || node === null || node === undefined) return null;
    if (++this.nodes > this.limits.maxNodes)
      return this.abort('yaml-too-large', node, { max: this.limits.maxNodes });
    if (depth > this.limits.maxDepth) return this.abort('yaml-too-deep', node, { max: this.limits.maxDepth });
    // Report a custom tag, then read the value as if it were untagged: no follow-on type errors.
    if (node.tag && !CORE_TAGS.has(node.tag)) this.tagIssue(node);
    if (isAlias(node)) {
      if (++this.aliases > this.limits.maxAliasExpansions) {
        return this.abort('yaml-alias-limit', node, { max: this.limits.maxAliasExpansions });
      }
      const target = node.resolve(this.source.doc!);
      if (!target) {
        this.issue('yaml-syntax', node, {
          detail: `unknown alias *${node.source}: no \`&${node.source}\` before it`,
        });
        this.broken = true;
        return null;
      }
      // Problems found while expanding an alias are reported at the (outermost) alias.
      const outer = this.expanding;
      this.expanding ??= node;
      const value = this.build(target, depth + 1);
      this.expanding = outer;
      return value;
    }
    if (isScalar(node)) return scalarValue(node);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      this.origins.set(out, { source: this.source, node });
      const merges: unknown[] = [];
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && key.value !== null && typeof key.value !== 'object') {
          const name = String(key.value);
          if (FORBIDDEN_KEYS.has(name)) {
            this.issue('forbidden-key', key, { key: name });
            continue;
          }
          if (key.tag && !CORE_TAGS.has(key.tag)) this.tagIssue(key);
          if (isMergeKey(pair)) {
            // Refused, but merged all the same so that the rest is checked without follow-on
            // "missing field" errors.
            this.issue('yaml-merge-key', key, {});
            const value = pair.value as Node;
            for (const item of isSeq(value) ? value.items : [value])
              merges.push(this.build(item as Node, depth + 1));
            continue;
          }
          out[name] = this.build(pair.value as Node | null, depth + 1);
        } else {
          // Not a name: nothing sensible can be checked past this.
          this.issue('yaml-complex-key', (key as Node | null) ?? node, {});
          this.broken = true;
        }
      }
      // Merged keys never override the mapping's own; earlier merges win over later ones.
      for (const m of merges) {
        if (m === null || typeof m !== 'object' || Array.isArray(m)) continue;
        const origin = this.origins.get(m);
        for (const [k, v] of Object.entries(m)) {
          if (Object.hasOwn(out, k)) continue;
          out[k] = v;
          if (origin) this.origins.setKey(out, k, origin);
        }
      }
      return out;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      this.origins.set(out, { source: this.source, node });
      for (const item of node.items) out.push(this.build(item as Node | null, depth + 1));
      return out;
    }
    return null;
  }

  private issue(code: string, node: Node, args: Record<string, string | number>) {
    // The value's own end, not the node end (which runs on over a trailing comment and newline).
    const [offset, end] = node.range ?? [0, 0, 0];
    this.issues.push({ code, at: { offset, endOffset: Math.max(end, offset + 1) }, args });
  }

  /** A custom tag, placed on the tag as written (`!foo`, `!!js/function`) before the value. */
  private tagIssue(node: Node) {
    const start = node.range?.[0] ?? 0;
    const text = this.source.text;
    const before = text.slice(Math.max(0, start - 256), start);
    const m = /(![^\s,[\]{}]*)(?:[ \t]+&[^\s,[\]{}]+)?\s*$/.exec(before);
    if (m) {
      const offset = start - before.length + m.index;
      const tag = m[1]!;
      this.issues.push({
        code: 'yaml-custom-tag',
        at: { offset, endOffset: offset + tag.length },
        args: { tag },
      });
    } else {
      this.issue('yaml-custom-tag', node, { tag: node.tag ?? '' });
    }
  }

  private abort(code: string, at: Node, args: Record<string, string | number>): null {
    const node = this.expanding ?? at;
    // Point at where the offending node starts, not at everything it spans.
    const offset = node.range?.[0] ?? 0;
    const eol = this.source.text.indexOf('\n', offset);
    const end = Math.min(node.range?.[1] ?? offset + 1, eol === -1 ? this.source.text.length : eol);
    this.issues.push({ code, at: { offset, endOffset: Math.max(end, offset + 1) }, args });
    this.aborted = true;
    return null;
  }
}

/** `<<: *anchor` or `<<: [*a, *b]`. */
function isMergeKey(pair: Pair): boolean {
  const v = pair.value;
  return (
    isScalar(pair.key) &&
    pair.key.value === '<<' &&
    pair.key.type === Scalar.PLAIN &&
    (isAlias(v) || (isSeq(v) && v.items.length > 0 && v.items.every((i) => isAlias(i))))
  );
}

function scalarValue(node: Scalar): unknown {
  const v = node.value;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return null;
  return v;
}

/** Find the pair holding `key` in a collection node, or the item at index `key`. */
export function childOf(
  node: YAMLMap | YAMLSeq,
  key: string | number,
): { keyNode: Node | undefined; valueNode: Node | undefined } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(key)) {
        return { keyNode: pair.key as Node, valueNode: (pair.value as Node | null) ?? undefined };
      }
    }
    return undefined;
  }
  if (typeof key === 'number' || /^\d+$/.test(String(key))) {
    const item = node.items[Number(key)];
    if (item !== undefined) return { keyNode: undefined, valueNode: item as Node };
  }
  return undefined;
}

const lineStartsCache = new WeakMap<SourceFile, number[]>();

function lineStarts(source: SourceFile): number[] {
  let starts = lineStartsCache.get(source);
  if (!starts) {
    starts = [0];
    const t = source.text;
    for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
    lineStartsCache.set(source, starts);
  }
  return starts;
}

function linePos(source: SourceFile, offset: number): { line: number; col: number } {
  const starts = lineStarts(source);
  const at = Math.max(0, Math.min(offset, source.text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: at - starts[lo]! + 1 };
}

/** 1-based line/column span of an offset range, clamped to the text. */
export function spanOf(source: SourceFile, offset: number, endOffset: number): Span {
  const len = source.text.length;
  const o = Math.max(0, Math.min(offset, len));
  const e = Math.max(o, Math.min(endOffset, len));
  const start = linePos(source, o);
  const end = linePos(source, e);
  return {
    line: start.line,
    column: start.col,
    endLine: end.line,
    endColumn: end.col,
    offset: o,
    endOffset: e,
  };
}

export function nodeRange(node: Node | undefined): [number, number] | undefined {
  if (!node?.range) return undefined;
  const [start, valueEnd] = node.range;
  return [start, Math.max(valueEnd, start + 1)];
}
