import { isScalar, type Node, Scalar } from 'yaml';
import type { Span } from '../diagnostics.js';
import { childOf, nodeRange, type Origin, type Origins, type SourceFile, spanOf } from './source.js';

export interface Location {
  source: SourceFile;
  span: Span;
}

/**
 * Turn a JSON path into the resolved value into a file and span. Walks the value, following the
 * origin of each collection (which may lie in a template reached through `extends`), then the
 * YAML nodes for the rest of the path. A path that does not exist in the YAML points at its
 * deepest existing parent's key.
 */
export function locate(
  root: unknown,
  origins: Origins,
  fallback: SourceFile,
  path: readonly (string | number)[],
  options: { key?: boolean; within?: { offset: number; length: number } } = {},
): Location {
  const { base, baseDepth } = baseOf(root, origins, path, options.key === true);
  if (!base) return { source: fallback, span: spanOf(fallback, 0, 0) };
  const shift = base.shift ?? 0;
  const rangeOf = (n: Node | undefined): [number, number] | undefined => {
    const r = nodeRange(n);
    return r && shift !== 0 ? [r[0] + shift, r[1] + shift] : r;
  };

  // Walk the YAML nodes from the base collection along the rest of the path.
  let node: Node = base.node;
  let keyNode: Node | undefined;
  let lastKeyNode: Node | undefined;
  let reached = true;
  for (let i = baseDepth; i < path.length; i++) {
    if (!('items' in node)) {
      reached = false;
      break;
    }
    const child = childOf(node as never, path[i]!);
    if (!child?.valueNode && !child?.keyNode) {
      reached = false;
      break;
    }
    keyNode = child.keyNode;
    if (child.keyNode) lastKeyNode = child.keyNode;
    if (!child.valueNode) {
      reached = i === path.length - 1;
      node = child.keyNode!;
      break;
    }
    node = child.valueNode;
  }
  const source = base.source;
  if (!reached) {
    // Missing field: point at the key of the deepest parent that exists.
    const r = rangeOf(lastKeyNode ?? node);
    return { source, span: r ? spanOf(source, r[0], r[1]) : spanOf(source, 0, 0) };
  }
  // An empty value (`name:` with nothing after it) has no text of its own: point at its key.
  const empty = isScalar(node) && node.range != null && node.range[0] === node.range[1];
  if ((options.key || empty) && keyNode) {
    const r = rangeOf(keyNode)!;
    return { source, span: spanOf(source, r[0], r[1]) };
  }
  if (options.within && isScalar(node)) {
    const inner = scalarInnerOffset(source, node, shift, options.within.offset);
    if (inner !== undefined) {
      let end =
        scalarInnerOffset(source, node, shift, options.within.offset + Math.max(1, options.within.length)) ??
        inner + 1;
      // A range reaching the end of a block scalar's value (its final newline) stays in the scalar.
      const valueEnd = node.range ? node.range[1] + shift : undefined;
      if (valueEnd !== undefined && end > valueEnd) end = Math.max(valueEnd, inner + 1);
      return { source, span: spanOf(source, inner, Math.max(end, inner + 1)) };
    }
  }
  const r = rangeOf(node);
  return { source, span: r ? spanOf(source, r[0], r[1]) : spanOf(source, 0, 0) };
}

/**
 * The collection a path is located from: the origin of the deepest value on the path that has
 * one (for a key, of the collection holding it), and how many segments lead to it.
 */
export function baseOf(
  root: unknown,
  origins: Origins,
  path: readonly (string | number)[],
  key: boolean,
): { base: Origin | undefined; baseDepth: number } {
  let base: Origin | undefined;
  let baseDepth = 0;
  let value: unknown = root;
  for (let i = 0; i <= path.length; i++) {
    if (value === null || typeof value !== 'object') break;
    // For a key, the base must be the collection holding it, not the value's own node.
    if (i === path.length && key) break;
    const own = origins.get(value);
    if (own) {
      base = own;
      baseDepth = i;
    }
    if (i === path.length) break;
    const seg = path[i]!;
    const keyed = origins.getKey(value, seg);
    if (keyed) {
      base = keyed;
      baseDepth = i;
    }
    value = (value as Record<string | number, unknown>)[seg];
  }
  return { base, baseDepth };
}

/**
 * Map an offset inside a scalar's value to an offset in the file. Exact for plain and quoted
 * scalars without escapes, and for literal block scalars; undefined otherwise.
 */
function scalarInnerOffset(
  source: SourceFile,
  node: Scalar,
  shift: number,
  offset: number,
): number | undefined {
  const value = typeof node.value === 'string' ? node.value : String(node.value);
  const range: [number, number] | undefined = node.range
    ? [node.range[0] + shift, node.range[1] + shift]
    : undefined;
  if (!range || offset < 0 || offset > value.length) return undefined;
  const raw = source.text.slice(range[0], range[1]);
  switch (node.type) {
    case Scalar.PLAIN:
      return raw === value ? range[0] + offset : undefined;
    case Scalar.QUOTE_SINGLE:
    case Scalar.QUOTE_DOUBLE:
      return raw.slice(1, -1) === value ? range[0] + 1 + offset : undefined;
    case Scalar.BLOCK_LITERAL: {
      // Lines of the value sit after the header line, each behind the same indentation.
      const lines = value.slice(0, offset).split('\n');
      const lineIndex = lines.length - 1;
      const col = lines[lineIndex]!.length;
      const headerEnd = source.text.indexOf('\n', range[0]);
      if (headerEnd === -1) return undefined;
      let pos = headerEnd + 1;
      for (let k = 0; k < lineIndex; k++) {
        const nl = source.text.indexOf('\n', pos);
        if (nl === -1) return undefined;
        pos = nl + 1;
      }
      const indent = /^[ ]*/.exec(source.text.slice(pos))![0].length;
      return pos + indent + col;
    }
    default:
      return undefined;
  }
}
