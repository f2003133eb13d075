/**
 * Edits to YAML *text* that touch only the lines they must. The board never re-stringifies the
 * whole document (that would refold long strings and reflow what the operator wrote): each edit
 * finds the node with `yaml`'s parser, renders only the changed piece and splices it in, so
 * comments, blank lines, quoting and folded text everywhere else stay byte for byte.
 */
import {
  Document,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

export type Path = readonly (string | number)[];

/** An edit the document cannot take; the message says what and where, for the operator. */
export class EditError extends Error {
  override name = 'EditError';
}

export function parseYaml(text: string): Document.Parsed {
  return parseDocument(text, { prettyErrors: false });
}

export function pathLabel(path: Path): string {
  return path.length === 0 ? '(document)' : path.join('.');
}

/** Edits work on whole lines: a last line without its newline gets one. */
function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndIncl(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function trimmedEnd(text: string, end: number): number {
  let e = end;
  while (e > 0 && /\s/.test(text[e - 1] ?? '')) e--;
  return e;
}

function lineAt(text: string, start: number): string {
  const e = text.indexOf('\n', start);
  return text.slice(start, e === -1 ? text.length : e);
}

/**
 * The lines a block entry (a `- item` or a `key: value`) occupies: from its first line, with
 * the comment lines directly above it at the same indentation, through every following line
 * indented deeper (or blank), trailing blank lines excluded.
 */
export function blockExtent(
  text: string,
  firstLineStart: number,
  indent: number,
): { start: number; end: number } {
  let start = firstLineStart;
  while (start > 0) {
    const prev = lineStart(text, start - 1);
    const line = lineAt(text, prev);
    if (line.trim().startsWith('#') && indentOf(line) === indent) start = prev;
    else break;
  }
  let pos = lineEndIncl(text, firstLineStart);
  let end = pos;
  while (pos < text.length) {
    const line = lineAt(text, pos);
    const next = lineEndIncl(text, pos);
    if (line.trim() === '') {
      pos = next;
      continue;
    }
    if (indentOf(line) <= indent) break;
    pos = next;
    end = next;
  }
  return { start, end };
}

function nodeAt(doc: Document, path: Path): unknown {
  return path.length === 0 ? doc.contents : doc.getIn(path, true);
}

function requireRange(node: Node, path: Path): [number, number, number] {
  if (!node.range)
    throw new EditError(`The YAML at ${pathLabel(path)} has no position; reload the playbook.`);
  return node.range;
}

/** Whether any collection from the root down to `path` (inclusive) is written in flow style. */
function flowAncestor(doc: Document, path: Path): Path | undefined {
  for (let i = 0; i <= path.length; i++) {
    const n = nodeAt(doc, path.slice(0, i));
    if (isCollection(n) && n.flow) return path.slice(0, i);
  }
  return undefined;
}

/** Renders a node on its own, lines after the first indented by `indent`, no trailing newline. */
function render(node: unknown, indent: number): string {
  const d = new Document();
  let text: string;
  if (isScalar(node)) {
    // A top-level block scalar is written unindented; as a map value it gets its proper indent.
    const holder = d.createNode({}) as YAMLMap;
    holder.set('k', node);
    d.contents = holder;
    text = d.toString({ lineWidth: 0 }).replace(/\n$/, '').replace(/^k: ?/, '');
  } else {
    d.contents = node as Node;
    text = d.toString({ lineWidth: 0 }).replace(/\n$/, '');
  }
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((l, i) => (i === 0 || l === '' ? l : pad + l))
    .join('\n');
}

/** Replaces a node's text, keeping the line breaks its range swallowed (block scalars end with one). */
function replaceNode(text: string, start: number, end: number, rendered: string): string {
  const trailing = /\n*$/.exec(text.slice(start, end))?.[0] ?? '';
  return splice(text, start, end, rendered + trailing);
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function isBlockCollection(n: unknown): boolean {
  return isCollection(n) && !n.flow && n.items.length > 0;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function parentPair(doc: Document, path: Path): { map: YAMLMap; pair: Pair } | undefined {
  const parent = nodeAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
  return pair ? { map: parent, pair } : undefined;
}

/** Re-renders the node at `at` after `mutate` changed the AST under it; used inside flow style. */
function rewriteNode(text: string, doc: Document, at: Path, mutate: () => void): string {
  const node = nodeAt(doc, at);
  if (!isCollection(node)) throw new EditError(`Cannot edit ${pathLabel(at)}: it is not a map or a list.`);
  const [start, end] = requireRange(node, at);
  mutate();
  const hasComments = node.items.some((it) => {
    const n = isPair(it) ? it.value : it;
    return isCollection(n) && !n.flow;
  });
  if (hasComments) node.flow = false;
  const holder = at.length > 0 ? parentPair(doc, at) : undefined;
  if (!node.flow && holder && isNodeLike(holder.pair.key) && !holder.map.flow && columnOf(text, start) > 0) {
    // A flow value after `key:` that turns into a block must start on the next line.
    const [keyStart, keyEnd] = requireRange(holder.pair.key, at);
    const keyCol = columnOf(text, keyStart);
    const colon = text.indexOf(':', keyEnd);
    if (text.slice(colon + 1, start).trim() === '')
      return replaceNode(text, colon + 1, end, `\n${' '.repeat(keyCol + 2)}${render(node, keyCol + 2)}`);
  }
  const indent = node.flow ? 0 : columnOf(text, start);
  return replaceNode(text, start, end, render(node, indent));
}

/** Creates a node for a value; a scalar keeps the quoting style of the one it replaces. */
function makeNode(doc: Document, value: unknown, like?: unknown): Node {
  const node = doc.createNode(value) as Node;
  if (isScalar(node) && isScalar(like) && like.type) {
    const multiline = typeof value === 'string' && value.includes('\n');
    const block = like.type === Scalar.BLOCK_LITERAL || like.type === Scalar.BLOCK_FOLDED;
    if (block || !multiline) node.type = like.type;
    else node.type = Scalar.BLOCK_LITERAL;
  } else if (isScalar(node) && typeof value === 'string' && value.includes('\n')) {
    node.type = Scalar.BLOCK_LITERAL;
  }
  return node;
}

/**
 * Sets the value at `path` (creating the last key when missing; its parent must exist). Scalars
 * are replaced in place; a new key is added as a line at the end of its map.
 */
export function setValue(input: string, path: Path, value: unknown): string {
  const text = withNewline(input);
  const doc = parseYaml(text);
  if (path.length === 0) throw new EditError('Cannot replace the whole document from the board.');
  const flow = flowAncestor(doc, path.slice(0, -1));
  if (flow)
    return rewriteNode(text, doc, flow, () => doc.setIn(path, makeNode(doc, value, doc.getIn(path, true))));
  const parent = nodeAt(doc, path.slice(0, -1));
  const key = path[path.length - 1]!;
  const existing = nodeAt(doc, path);
  const fresh = makeNode(doc, value, existing);
  if (isSeq(parent)) {
    if (typeof key !== 'number' || !isNodeLike(existing))
      throw new EditError(`No list item ${String(key)} at ${pathLabel(path.slice(0, -1))}.`);
    const [start, end] = requireRange(existing, path);
    const indent = isCollection(fresh)
      ? columnOf(text, start)
      : indentOf(lineAt(text, lineStart(text, start)));
    return replaceNode(text, start, end, render(fresh, indent));
  }
  if (!isMap(parent))
    throw new EditError(`There is no map at ${pathLabel(path.slice(0, -1))} to set "${key}" in.`);
  const found = parentPair(doc, path);
  if (found && isNodeLike(found.pair.value) && isNodeLike(found.pair.key)) {
    const keyNode = found.pair.key;
    const keyCol = columnOf(text, requireRange(keyNode, path)[0]);
    const [, keyEnd] = requireRange(keyNode, path);
    const [vStart, vEnd] = requireRange(found.pair.value, path);
    if (isScalar(found.pair.value) && isScalar(fresh)) {
      const rendered = render(fresh, indentOf(lineAt(text, lineStart(text, vStart))));
      const rest = lineAt(text, vEnd);
      const nl = rendered.indexOf('\n');
      if (nl !== -1 && rest.trim().startsWith('#') && !text.slice(vStart, vEnd).includes('\n')) {
        // A comment after a value that becomes a block scalar moves to the `|` header line.
        return splice(text, vStart, vEnd + rest.length, rendered.slice(0, nl) + rest + rendered.slice(nl));
      }
      // `key:` with an empty (null) value has a zero-width node right after the colon.
      return replaceNode(text, vStart, vEnd, vStart === vEnd ? ` ${rendered}` : rendered);
    }
    const colon = text.indexOf(':', keyEnd);
    const body = isBlockCollection(fresh)
      ? `\n${' '.repeat(keyCol + 2)}${render(fresh, keyCol + 2)}`
      : ` ${render(fresh, keyCol)}`;
    return replaceNode(text, colon + 1, vEnd, body);
  }
  if (found && isNodeLike(found.pair.key)) {
    // `key:` with no value node at all: write the value after the colon.
    const [keyStart, keyEnd] = requireRange(found.pair.key, path);
    const colon = text.indexOf(':', keyEnd);
    const keyCol = columnOf(text, keyStart);
    const body = isBlockCollection(fresh)
      ? `\n${' '.repeat(keyCol + 2)}${render(fresh, keyCol + 2)}`
      : ` ${render(fresh, keyCol)}`;
    return splice(text, colon + 1, colon + 1, body);
  }
  return insertPair(text, doc, path, fresh);
}

function isNodeLike(n: unknown): n is Node {
  return typeof n === 'object' && n !== null && 'range' in n;
}

function insertPair(text: string, doc: Document, path: Path, fresh: Node): string {
  const mapPath = path.slice(0, -1);
  const map = nodeAt(doc, mapPath) as YAMLMap;
  const key = String(path[path.length - 1]);
  if (map.items.length === 0) {
    return rewriteNode(text, doc, mapPath, () => map.set(key, fresh));
  }
  const [start, end] = requireRange(map, mapPath);
  const col = columnOf(text, start);
  const pairDoc = new Document();
  const single = pairDoc.createNode({}) as YAMLMap;
  single.set(key, fresh);
  const line = `${' '.repeat(col)}${render(single, col)}\n`;
  const at = lineEndIncl(text, trimmedEnd(text, end) - 1);
  return splice(text, at, at, line);
}

/** Removes the key at `path` (with its comment lines) or the list item at `path`. */
export function deleteValue(input: string, path: Path): string {
  const text = withNewline(input);
  const doc = parseYaml(text);
  const flow = flowAncestor(doc, path.slice(0, -1));
  if (flow) return rewriteNode(text, doc, flow, () => doc.deleteIn(path));
  const parent = nodeAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isSeq(parent)) {
    if (typeof last !== 'number') throw new EditError(`${pathLabel(path)} is not a list item.`);
    if (parent.items.length === 1) return emptyList(text, doc, path);
    return removeSeqItem(text, doc, path).text;
  }
  const found = parentPair(doc, path);
  if (!found || !isNodeLike(found.pair.key)) throw new EditError(`Nothing to delete at ${pathLabel(path)}.`);
  const keyStart = requireRange(found.pair.key, path)[0];
  const ls = lineStart(text, keyStart);
  if (text.slice(ls, keyStart).trim() !== '' || found.map.items.length === 1) {
    return rewriteNode(text, doc, path.slice(0, -1), () => doc.deleteIn(path));
  }
  const { start, end } = blockExtent(text, ls, keyStart - ls);
  return splice(text, start, end, '');
}

/** Removes the only item of a block list under a key: `key:` keeps its line and becomes `key: []`. */
function emptyList(text: string, doc: Document, path: Path): string {
  const seqPath = path.slice(0, -1);
  const seq = nodeAt(doc, seqPath) as YAMLSeq;
  const found = parentPair(doc, seqPath);
  if (!found || !isNodeLike(found.pair.key) || found.map.flow) {
    return rewriteNode(text, doc, seqPath, () => {
      seq.items.splice(0, 1);
      seq.flow = true;
    });
  }
  const b = seqItemBlock(text, seq, 0, seqPath);
  const colon = text.indexOf(':', requireRange(found.pair.key, seqPath)[1]);
  const removed = splice(text, b.start, b.end, '');
  return splice(removed, colon + 1, colon + 1, ' []');
}

interface SeqItemBlock {
  start: number;
  end: number;
  indent: number;
}

function seqItemBlock(text: string, seq: YAMLSeq, index: number, seqPath: Path): SeqItemBlock {
  const item = seq.items[index];
  if (!isNodeLike(item)) throw new EditError(`No item ${index} in ${pathLabel(seqPath)}.`);
  const [nodeStart] = requireRange(item, [...seqPath, index]);
  const ls = lineStart(text, nodeStart);
  const dash = text.lastIndexOf('-', nodeStart - 1);
  const indent = dash >= ls ? dash - ls : indentOf(lineAt(text, ls));
  // An item whose `-` sits on its own line above its content.
  const first = dash >= ls ? ls : lineStart(text, text.lastIndexOf('-', ls - 1));
  const firstIndent = dash >= ls ? indent : columnOf(text, text.lastIndexOf('-', ls - 1));
  const { start, end } = blockExtent(text, first, firstIndent);
  return { start, end, indent: firstIndent };
}

function gapBetween(text: string, seq: YAMLSeq, seqPath: Path, i: number): number {
  const a = seqItemBlock(text, seq, i, seqPath);
  const b = seqItemBlock(text, seq, i + 1, seqPath);
  return text.slice(a.end, b.start).split('\n').length - 1;
}

/** Blank lines written between the first two items of a block list (0 when none or one item). */
function separatorOf(text: string, seq: YAMLSeq, seqPath: Path): number {
  if (seq.items.length < 2) return 0;
  const a = seqItemBlock(text, seq, 0, seqPath);
  const b = seqItemBlock(text, seq, 1, seqPath);
  return text.slice(a.end, b.start).split('\n').length - 1;
}

function reindent(block: string, delta: number): string {
  if (delta === 0) return block;
  return block
    .split('\n')
    .map((l) => {
      if (l.trim() === '') return l;
      if (delta > 0) return ' '.repeat(delta) + l;
      const strip = Math.min(-delta, indentOf(l));
      return l.slice(strip);
    })
    .join('\n');
}

function removeSeqItem(
  text: string,
  doc: Document,
  path: Path,
): { text: string; block: string; indent: number } {
  const seqPath = path.slice(0, -1);
  const seq = nodeAt(doc, seqPath) as YAMLSeq;
  const index = path[path.length - 1] as number;
  const b = seqItemBlock(text, seq, index, seqPath);
  let block = text.slice(b.start, b.end);
  if (!block.endsWith('\n')) block += '\n';
  let start = b.start;
  let end = b.end;
  if (index + 1 < seq.items.length) end = seqItemBlock(text, seq, index + 1, seqPath).start;
  else if (index > 0) start = seqItemBlock(text, seq, index - 1, seqPath).end;
  return { text: splice(text, start, end, ''), block, indent: b.indent };
}

/** The text of the list item at `path`, with its comments, and its indentation. */
export function extractSeqItem(input: string, path: Path): { block: string; indent: number } {
  const text = withNewline(input);
  const doc = parseYaml(text);
  const seqPath = path.slice(0, -1);
  const seq = nodeAt(doc, seqPath);
  if (!isSeq(seq) || seq.flow) {
    const value = doc.getIn(path);
    if (value === undefined) throw new EditError(`No list item at ${pathLabel(path)}.`);
    return { block: `- ${render(doc.createNode(value), 2)}\n`, indent: 0 };
  }
  const b = seqItemBlock(text, seq, path[path.length - 1] as number, seqPath);
  const block = text.slice(b.start, b.end);
  return { block: block.endsWith('\n') ? block : `${block}\n`, indent: b.indent };
}

/**
 * Inserts an already written list item (`- …` lines at `indent`) at `index` of the list at
 * `seqPath`, creating the list (under an existing map) when it is missing or empty.
 */
export function insertSeqItem(
  input: string,
  seqPath: Path,
  index: number,
  block: string,
  indent: number,
): string {
  const text = withNewline(input);
  const doc = parseYaml(text);
  const seq = nodeAt(doc, seqPath);
  const flow = flowAncestor(doc, seqPath);
  const parentMap = nodeAt(doc, seqPath.slice(0, -1));
  const emptyFlowParent =
    flow !== undefined &&
    flow.length === seqPath.length - 1 &&
    isMap(parentMap) &&
    parentMap.items.length === 0;
  if (flow || (isSeq(seq) && seq.items.length === 0) || seq === undefined || seq === null || isScalar(seq)) {
    if (flow && !emptyFlowParent && !(isSeq(seq) && seq.flow && flow.length === seqPath.length)) {
      // A block item cannot go inside a flow map: rewrite that part of the document as values.
      const value = parseYaml(block).toJS() as unknown[];
      return rewriteNode(text, doc, flow, () => {
        const list = (doc.getIn(seqPath, true) as YAMLSeq | undefined) ?? undefined;
        if (isSeq(list)) list.items.splice(index, 0, doc.createNode(value[0]) as Node);
        else doc.setIn(seqPath, doc.createNode(value));
      });
    }
    return writeNewList(text, doc, seqPath, block, indent);
  }
  if (!isSeq(seq)) throw new EditError(`${pathLabel(seqPath)} is not a list.`);
  const at = Math.max(0, Math.min(index, seq.items.length));
  // Blank lines between items are kept as written: the new item gets the gap of its neighbours.
  const gapBefore = at > 0 && at < seq.items.length ? gapBetween(text, seq, seqPath, at - 1) : undefined;
  const sep = '\n'.repeat(gapBefore ?? separatorOf(text, seq, seqPath));
  const target = seqItemBlock(text, seq, Math.min(at, seq.items.length - 1), seqPath);
  const moved = reindent(block, target.indent - indent);
  if (at < seq.items.length) return splice(text, target.start, target.start, moved + sep);
  return splice(text, target.end, target.end, sep + moved);
}

function writeNewList(text: string, doc: Document, seqPath: Path, block: string, indent: number): string {
  const mapPath = seqPath.slice(0, -1);
  const map = nodeAt(doc, mapPath);
  const key = String(seqPath[seqPath.length - 1]);
  const holder = mapPath.length > 0 ? parentPair(doc, mapPath) : undefined;
  if (
    isMap(map) &&
    map.flow &&
    map.items.length === 0 &&
    holder &&
    isNodeLike(holder.pair.key) &&
    !holder.map.flow
  ) {
    // `stage: {}` becomes a block map holding the new list, so the item keeps its comments.
    const [keyStart, keyEnd] = requireRange(holder.pair.key, mapPath);
    const keyCol = columnOf(text, keyStart);
    const colon = text.indexOf(':', keyEnd);
    const [, mapEnd] = requireRange(map, mapPath);
    const list = reindent(block, keyCol + 4 - indent).replace(/\n$/, '');
    return splice(text, colon + 1, mapEnd, `\n${' '.repeat(keyCol + 2)}${key}:\n${list}`);
  }
  if (!isMap(map) || map.flow || map.items.length === 0) {
    const value = parseYaml(block).toJS() as unknown[];
    return setValue(text, seqPath, value);
  }
  const [mapStart] = requireRange(map, mapPath);
  const col = columnOf(text, mapStart);
  const list = reindent(block, col + 2 - indent);
  const found = parentPair(doc, seqPath);
  if (found && isNodeLike(found.pair.key)) {
    const [, keyEnd] = requireRange(found.pair.key, seqPath);
    const colon = text.indexOf(':', keyEnd);
    const valueEnd = isNodeLike(found.pair.value) ? requireRange(found.pair.value, seqPath)[1] : colon + 1;
    return splice(text, colon + 1, valueEnd, `\n${list.replace(/\n$/, '')}`);
  }
  const [, end] = requireRange(map, mapPath);
  const at = lineEndIncl(text, trimmedEnd(text, end) - 1);
  return splice(text, at, at, `${' '.repeat(col)}${key}:\n${list}`);
}

/** Moves a list item, comments and all, to `index` of another (or the same) list. */
export function moveSeqItem(input: string, from: Path, toSeq: Path, toIndex: number): string {
  const text = withNewline(input);
  const doc = parseYaml(text);
  const fromSeq = from.slice(0, -1);
  const fromIndex = from[from.length - 1] as number;
  const seq = nodeAt(doc, fromSeq);
  if (!isSeq(seq) || !seq.items[fromIndex]) throw new EditError(`No list item at ${pathLabel(from)}.`);
  const same = JSON.stringify(fromSeq) === JSON.stringify(toSeq);
  if (same && (toIndex === fromIndex || toIndex === fromIndex + 1)) return text;
  if (isPrefix(from, toSeq)) throw new EditError('A step cannot be moved into its own branch.');
  const { block, indent } = extractSeqItem(text, from);
  const without = seq.items.length === 1 ? deleteValue(text, from) : removeFrom(text, doc, seq, from);
  let index = toIndex;
  if (same && toIndex > fromIndex) index -= 1;
  // Removing an item shifts later siblings of the same list up by one.
  const target = adjustPath(toSeq, fromSeq, fromIndex);
  return insertSeqItem(without, target, index, block, indent);
}

function removeFrom(text: string, doc: Document, seq: YAMLSeq, from: Path): string {
  if (seq.flow || flowAncestor(doc, from.slice(0, -1))) return deleteValue(text, from);
  return removeSeqItem(text, doc, from).text;
}

function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}

function adjustPath(path: Path, removedSeq: Path, removedIndex: number): Path {
  if (path.length <= removedSeq.length || !isPrefix(removedSeq, path)) return path;
  const i = path[removedSeq.length];
  if (typeof i === 'number' && i > removedIndex) {
    const copy = [...path];
    copy[removedSeq.length] = i - 1;
    return copy;
  }
  return path;
}

/** Renders a value as a list item (`- …`) at indentation 0, for `insertSeqItem`. */
export function renderSeqItem(value: unknown): string {
  const doc = new Document();
  return `- ${render(doc.createNode(value), 2)}\n`;
}

/**
 * Sets a value at `path`, creating the maps missing on the way (`overrides:` in a playbook that
 * has none yet, for instance) with one edit.
 */
export function setDeep(input: string, path: Path, value: unknown): string {
  const text = withNewline(input);
  const doc = parseYaml(text);
  for (let i = 1; i < path.length; i++) {
    const prefix = path.slice(0, i);
    const existing = doc.getIn(prefix, true);
    if (existing === undefined || existing === null || (isScalar(existing) && existing.value === null)) {
      const nested = path.slice(i).reduceRight<unknown>((v, key) => ({ [String(key)]: v }), value);
      return setValue(text, prefix, nested);
    }
    if (!isCollection(existing))
      throw new EditError(`${pathLabel(prefix)} is a value, not a map: cannot set ${pathLabel(path)}.`);
  }
  return setValue(text, path, value);
}
