import { CST, Parser } from 'yaml';
import { keepCst } from './cst-cache.js';
import { DEFAULT_LIMITS, type LoadLimits } from './limits.js';
import { exceedsFlowDepth, FORBIDDEN_KEYS } from './source.js';

/**
 * The fast path for the common case, a well-formed document: build plain values straight from the
 * yaml package's CST, without composing `Node`s and without origins. Whatever it does not handle
 * exactly as `loadYaml` (and `yaml.parse`) would — errors, anchors, aliases, tags, directives,
 * complex, duplicate or prototype keys, several documents, tabs, odd comments, deep or huge input —
 * gives `undefined`, and the caller goes the full way, which reports it with positions.
 */
export function fastLoadYaml(
  text: string,
  limits: LoadLimits = DEFAULT_LIMITS,
): { value: unknown } | undefined {
  if (text.length > limits.maxChars || text.includes('\u0000')) return undefined;
  if (exceedsFlowDepth(text, limits.maxDepth) !== undefined) return undefined;
  if (mayNestDeep(text, limits.maxDepth)) return undefined;
  const tokens: CST.Token[] = [];
  const stream = new Parser().parse(text);
  try {
    let doc: CST.Document | undefined;
    let refused = false;
    for (const token of stream) {
      tokens.push(token);
      if (refused) continue;
      switch (token.type) {
        case 'document':
          if (doc) refused = true;
          doc = token;
          break;
        case 'space':
        case 'comment':
        case 'newline':
          break;
        default:
          // Directives, `...`, errors, a byte order mark.
          refused = true;
      }
    }
    // the full way reads this text next, whether refused here or for a diagnostic: it composes
    // these tokens rather than tokenising the text again
    keepCst(text, tokens);
    if (refused || !doc) return undefined;
    const builder = new Builder(limits);
    if (!builder.docStart(doc)) return undefined;
    const value = doc.value ? builder.build(doc.value, 0) : null;
    if (builder.failed || !builder.docEnd(doc.end)) return undefined;
    return { value };
  } catch {
    return undefined;
  }
}

/**
 * Whether block nesting may go deep (the parser recurses on it): a cheap, conservative stand-in
 * for `exceedsBlockDepth`. Each block level takes at least one more column, or two for a compact
 * `- `/`? `, so nesting stays shallow while every line's content starts at a low column.
 */
export function mayNestDeep(text: string, max: number): boolean {
  const limit = 2 * max;
  let start = 0;
  const n = text.length;
  while (start < n) {
    let i = start;
    while (i < n && text.charCodeAt(i) === 32) i++;
    // Compact nesting on one line: `- - x`, `? - x`.
    while (i + 1 < n && (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 63)) {
      const next = text.charCodeAt(i + 1);
      if (next !== 32) break;
      i += 2;
      while (i < n && text.charCodeAt(i) === 32) i++;
    }
    // `exceedsBlockDepth` stacks one level per column at most: columns below 2 × max stay clear.
    if (i - start >= limit) return true;
    const nl = text.indexOf('\n', i);
    if (nl === -1) break;
    start = nl + 1;
  }
  return false;
}

/** Signals a construct the fast path does not take on. */
const NO = Symbol('no');
/** What `props` saw: refused, or bits. */
const REFUSED = -1;
const NEWLINE = 1;
const COMMA = 2;

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar by the YAML 1.2 core schema, tested in the order `yaml` tests its tags. */
export function resolvePlain(s: string): unknown {
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT.test(s)) return Number.parseInt(s.substring(2), 8);
  if (INT.test(s)) return Number.parseInt(s, 10);
  if (INT_HEX.test(s)) return Number.parseInt(s.substring(2), 16);
  if (FLOAT_NAN.test(s))
    return s.slice(-3).toLowerCase() === 'nan'
      ? Number.NaN
      : s[0] === '-'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return Number.parseFloat(s);
  return s;
}

type Item = CST.CollectionItem;

/** Offset of the `:` among a pair's separator tokens (`props` made sure there is one). */
function colonOffset(sep: CST.SourceToken[]): number {
  for (const t of sep) if (t.type === 'map-value-ind') return t.offset;
  return 0;
}

/** Whether a plain scalar may not start with this character (`yaml` reports it). */
function badPlainStart(c: number): boolean {
  // \t , % | > @ `
  return c === 9 || c === 44 || c === 37 || c === 124 || c === 62 || c === 64 || c === 96;
}

/** Whether a plain scalar starting with this character may be other than a string (core schema). */
function maybeNotString(c: number): boolean {
  // 0-9 + - . ~ t T f F n N
  return (
    (c >= 48 && c <= 57) ||
    c === 43 ||
    c === 45 ||
    c === 46 ||
    c === 126 ||
    c === 116 ||
    c === 84 ||
    c === 102 ||
    c === 70 ||
    c === 110 ||
    c === 78
  );
}

/**
 * The value of a one-line scalar without escapes, as `yaml` reads it; undefined for the rest
 * (left to `CST.resolveAsScalar`).
 */
function simpleScalar(token: CST.FlowScalar | CST.BlockScalar): unknown {
  if (token.type === 'block-scalar' || token.type === 'alias') return undefined;
  const src = token.source;
  if (src.includes('\n') || src.includes('\r')) return undefined;
  // What follows on the line: a comment must come after white space.
  if (token.end) {
    let hasSpace = false;
    for (const t of token.end) {
      if (t.type === 'space' || t.type === 'newline') hasSpace = true;
      else if (t.type !== 'comment' || !hasSpace) return undefined;
    }
  }
  if (token.type === 'scalar') {
    if (src === '') return undefined;
    const c = src.charCodeAt(0);
    if (badPlainStart(c)) return undefined;
    return maybeNotString(c) ? resolvePlain(src) : src;
  }
  const q = token.type === 'double-quoted-scalar' ? '"' : "'";
  if (src.length < 2 || src[0] !== q || src[src.length - 1] !== q) return undefined;
  const inner = src.slice(1, -1);
  if (inner.includes(q) || (q === '"' && inner.includes('\\'))) return undefined;
  return inner;
}

class Builder {
  failed = false;
  private nodes = 0;

  constructor(private readonly limits: LoadLimits) {}

  /** The tokens before the document's value: blank, comments and at most a `---` line. */
  docStart(doc: CST.Document): boolean {
    let hasSpace = true;
    let newlineAfterMarker = true;
    for (const t of doc.start) {
      switch (t.type) {
        case 'space':
          if (t.source.includes('\t')) return false;
          hasSpace = true;
          break;
        case 'newline':
          hasSpace = true;
          newlineAfterMarker = true;
          break;
        case 'comment':
          if (!hasSpace) return false;
          break;
        case 'doc-start':
          hasSpace = false;
          newlineAfterMarker = false;
          break;
        default:
          return false;
      }
    }
    const v = doc.value;
    if (v && (v.type === 'block-map' || v.type === 'block-seq') && !newlineAfterMarker) return false;
    return true;
  }

  docEnd(end: CST.SourceToken[] | undefined): boolean {
    for (const t of end ?? []) {
      if (t.type !== 'space' && t.type !== 'newline' && t.type !== 'comment') return false;
      if (t.type === 'space' && t.source.includes('\t')) return false;
    }
    return true;
  }

  build(token: CST.Token, depth: number): unknown {
    if (this.failed) return null;
    if (++this.nodes > this.limits.maxNodes || depth > this.limits.maxDepth) return this.fail();
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        return this.scalar(token);
      case 'block-map':
        return this.blockMap(token, depth);
      case 'block-seq':
        return this.blockSeq(token, depth);
      case 'flow-collection':
        return this.flow(token, depth);
      default:
        return this.fail();
    }
  }

  private fail(): null {
    this.failed = true;
    return null;
  }

  private scalar(token: CST.FlowScalar | CST.BlockScalar): unknown {
    if (token.type === 'block-scalar') {
      for (const p of token.props) {
        if (p.type === 'space' && 'source' in p && p.source.includes('\t')) return this.fail();
        if (
          p.type !== 'block-scalar-header' &&
          p.type !== 'space' &&
          p.type !== 'newline' &&
          p.type !== 'comment'
        )
          return this.fail();
      }
    }
    const simple = simpleScalar(token);
    if (simple !== undefined) return simple;
    let bad = false;
    const r = CST.resolveAsScalar(token, true, () => {
      bad = true;
    });
    if (bad || !r) return this.fail();
    return token.type === 'scalar' ? resolvePlain(r.value) : r.value;
  }

  /** A key: a one-line scalar naming a string, not a prototype or merge key. */
  private key(token: CST.Token | null | undefined, seen: object): string | typeof NO {
    if (!token) return NO;
    if (
      token.type !== 'scalar' &&
      token.type !== 'single-quoted-scalar' &&
      token.type !== 'double-quoted-scalar'
    )
      return NO;
    if (token.source.includes('\n')) return NO;
    for (const t of token.end ?? []) if (t.type === 'newline') return NO;
    const v = this.scalar(token);
    if (this.failed || v === null || typeof v === 'object') return NO;
    const name = String(v);
    // (Prototype keys are refused first, so `seen` has only its own keys.)
    if (name === '<<' || Object.hasOwn(seen, name)) return NO;
    if ((name.length === 9 || name.length === 11) && FORBIDDEN_KEYS.has(name)) return NO;
    return name;
  }

  /**
   * Check the tokens before a key, item or value as `yaml` does (resolveProps), for what the fast
   * path allows there: spaces without tabs, newlines, comments after white space, and exactly one
   * `indicator` (or none, when `indicator` is undefined). Returns REFUSED, or NEWLINE and COMMA
   * bits for what was seen.
   */
  private props(
    tokens: CST.SourceToken[],
    indicator: string | undefined,
    startOnNewline: boolean,
    flow: boolean,
  ): number {
    let hasSpace = startOnNewline;
    let found = false;
    let seen = 0;
    for (const t of tokens) {
      switch (t.type) {
        case 'space':
          if (t.source.includes('\t')) return REFUSED;
          hasSpace = true;
          break;
        case 'newline':
          hasSpace = true;
          seen |= NEWLINE;
          break;
        case 'comment':
          if (!hasSpace || flow) return REFUSED;
          break;
        case 'comma':
          if (!flow || seen & COMMA || found) return REFUSED;
          seen |= COMMA;
          hasSpace = false;
          break;
        default:
          if (indicator === undefined || t.type !== indicator || found) return REFUSED;
          found = true;
          hasSpace = false;
      }
    }
    if (indicator !== undefined && !found) return REFUSED;
    return seen;
  }

  private blockMap(bm: CST.BlockMap, depth: number): unknown {
    const out: Record<string, unknown> = {};
    const items = bm.items;
    for (let i = 0; i < items.length; i++) {
      const { start, key, sep, value } = items[i] as Item;
      if (this.props(start, undefined, true, false) === REFUSED) return this.fail();
      if (!key && !sep) {
        // A comment after the last pair.
        if (i !== items.length - 1) return this.fail();
        continue;
      }
      if (!key || !sep || !('indent' in key) || key.indent !== bm.indent) return this.fail();
      const name = this.key(key, out);
      if (name === NO) return this.fail();
      const vp = this.props(sep, 'map-value-ind', false, false);
      if (vp === REFUSED) return this.fail();
      if (colonOffset(sep) - key.offset > 1000) return this.fail();
      if (value?.type === 'block-map' && !(vp & NEWLINE)) return this.fail();
      out[name] = value ? this.build(value, depth + 1) : null;
      if (this.failed) return null;
    }
    return out;
  }

  private blockSeq(bs: CST.BlockSequence, depth: number): unknown {
    const out: unknown[] = [];
    const items = bs.items;
    for (let i = 0; i < items.length; i++) {
      const { start, value } = items[i]!;
      if (!start.some((t) => t.type === 'seq-item-ind')) {
        // A comment after the last item.
        if (value || i !== items.length - 1 || this.props(start, undefined, true, false) === REFUSED)
          return this.fail();
        continue;
      }
      if (this.props(start, 'seq-item-ind', true, false) === REFUSED) return this.fail();
      out.push(value ? this.build(value, depth + 1) : null);
      if (this.failed) return null;
    }
    return out;
  }

  private flow(fc: CST.FlowCollection, depth: number): unknown {
    const isMap = fc.start.source === '{';
    const close = isMap ? '}' : ']';
    const [ce, ...rest] = fc.end;
    if (ce?.source !== close) return this.fail();
    for (const t of rest) {
      if (t.type !== 'space' && t.type !== 'newline' && t.type !== 'comment') return this.fail();
      if (t.type === 'space' && t.source.includes('\t')) return this.fail();
    }
    const seq: unknown[] = [];
    const map: Record<string, unknown> = {};
    const items = fc.items;
    for (let i = 0; i < items.length; i++) {
      const { start, key, sep, value } = items[i]!;
      const p = this.props(start, undefined, false, true);
      if (p === REFUSED) return this.fail();
      if (!key && !sep && !value) {
        // Only a trailing comma (or nothing) may end the collection.
        if (i !== items.length - 1 || (i === 0 && p & COMMA)) return this.fail();
        continue;
      }
      if (i === 0 ? p & COMMA : !(p & COMMA)) return this.fail();
      if (isMap) {
        if (!key || !sep) return this.fail();
        const name = this.key(key, map);
        if (name === NO) return this.fail();
        if (this.props(sep, 'map-value-ind', false, true) === REFUSED) return this.fail();
        if (colonOffset(sep) - key.offset > 1000) return this.fail();
        if (value && (value.type === 'block-map' || value.type === 'block-seq')) return this.fail();
        map[name] = value ? this.build(value, depth + 1) : null;
      } else {
        if (key || sep || !value) return this.fail();
        if (value.type === 'block-map' || value.type === 'block-seq') return this.fail();
        seq.push(this.build(value, depth + 1));
      }
      if (this.failed) return null;
    }
    return isMap ? map : seq;
  }
}
