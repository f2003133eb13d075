import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Span } from '../diagnostics.js';
import type { Issue } from '../validate/issue.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';

/** One YAML file, parsed, with what is needed to point back into it. */
export interface SourceFile {
  file: string;
  text: string;
  doc: Document.Parsed | undefined;
  lineCounter: LineCounter;
}

/** Where a value built from YAML came from: the node of its collection. */
export interface Origin {
  source: SourceFile;
  node: YAMLMap | YAMLSeq;
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
  const lineCounter = new LineCounter();
  const source: SourceFile = { file, text, doc: undefined, lineCounter };
  const issues: Issue[] = [];
  if (text.length > limits.maxChars) {
    issues.push({
      code: 'file-too-large',
      at: { offset: 0, endOffset: 0 },
      args: { size: text.length, max: limits.maxChars },
    });
    return { source, value: undefined, issues };
  }
  if (text.includes('\u0000')) {
    const offset = text.indexOf('\u0000');
    issues.push({ code: 'binary-file', at: { offset, endOffset: offset + 1 }, args: {} });
    return { source, value: undefined, issues };
  }
  if (exceedsFlowDepth(text, limits.maxDepth)) {
    issues.push({ code: 'yaml-too-deep', at: { offset: 0, endOffset: 0 }, args: { max: limits.maxDepth } });
    return { source, value: undefined, issues };
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
      keepSourceTokens: false,
    });
  } catch {
    // The parser recurses on nesting it cannot see coming (block nesting); a stack overflow is
    // reported, not thrown.
    issues.push({ code: 'yaml-too-deep', at: { offset: 0, endOffset: 0 }, args: { max: limits.maxDepth } });
    return { source, value: undefined, issues };
  }
  source.doc = doc;
  for (const e of doc.errors) {
    const code = e.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax';
    issues.push({
      code,
      at: { offset: e.pos[0], endOffset: Math.max(e.pos[1], e.pos[0] + 1) },
      args: { detail: firstLine(e.message) },
    });
  }
  if (doc.errors.length > 0) return { source, value: undefined, issues };
  const builder = new ValueBuilder(source, origins, limits, issues);
  const value = builder.build(doc.contents as Node | null, 0);
  return { source, value: builder.aborted ? undefined : value, issues };
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/** Flow collections (`[[[[…`) nest without indentation; count them before the parser recurses. */
function exceedsFlowDepth(text: string, max: number): boolean {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (text[i] === quote) quote = '';
      else if (c === 10) quote = '';
      continue;
    }
    if (c === 91 || c === 123) {
      if (++depth > max * 2) return true;
    } else if (c === 93 || c === 125) {
      if (depth > 0) depth--;
    } else if (c === 10) {
      // Flow collections may span lines but rarely deeply: reset only outside them.
    } else if ((c === 34 || c === 39) && depth > 0) {
      quote = text[i]!;
    } else if (c === 35 && (i === 0 || text[i - 1] === ' ')) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    }
  }
  return false;
}

class ValueBuilder {
  aborted = false;
  private nodes = 0;
  private aliases = 0;

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
    if (node.tag && !CORE_TAGS.has(node.tag)) {
      this.issue('yaml-custom-tag', node, { tag: node.tag });
      return null;
    }
    if (isAlias(node)) {
      if (++this.aliases > this.limits.maxAliasExpansions) {
        return this.abort('yaml-alias-limit', node, { max: this.limits.maxAliasExpansions });
      }
      const target = node.resolve(this.source.doc!);
      if (!target) {
        this.issue('yaml-syntax', node, { detail: `unknown alias *${node.source}` });
        return null;
      }
      return this.build(target, depth + 1);
    }
    if (isScalar(node)) return scalarValue(node);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      this.origins.set(out, { source: this.source, node });
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && key.value !== null && typeof key.value !== 'object') {
          const name = String(key.value);
          if (FORBIDDEN_KEYS.has(name)) {
            this.issue('forbidden-key', key, { key: name });
            continue;
          }
          if (key.tag && !CORE_TAGS.has(key.tag)) {
            this.issue('yaml-custom-tag', key, { tag: key.tag });
            continue;
          }
          if (isMergeKey(pair)) {
            this.issue('yaml-merge-key', key, {});
            continue;
          }
          out[name] = this.build(pair.value as Node | null, depth + 1);
        } else {
          this.issue('yaml-complex-key', (key as Node | null) ?? node, {});
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
    const [offset, , end] = node.range ?? [0, 0, 0];
    this.issues.push({ code, at: { offset, endOffset: Math.max(end, offset + 1) }, args });
  }

  private abort(code: string, node: Node, args: Record<string, string | number>): null {
    this.issue(code, node, args);
    this.aborted = true;
    return null;
  }
}

function isMergeKey(pair: Pair): boolean {
  return (
    isScalar(pair.key) && pair.key.value === '<<' && pair.key.type === Scalar.PLAIN && isAlias(pair.value)
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
