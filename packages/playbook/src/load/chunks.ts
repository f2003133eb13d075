/**
 * Cutting a playbook's text into pieces that YAML reads the same alone as in the whole document,
 * so that incremental validation re-reads only the pieces an edit touched.
 *
 * The pieces are the top-level blocks (a column-0 `key:` and the lines under it) and, inside
 * `stages`, each item of a stage's `journeys:` list. What is left of the `stages` block once its
 * journeys are cut out is its frame (stage names and their other fields). A piece always ends
 * where a line of the same or lower indentation starts (the next block, item or stage field), so
 * block scalars and plain multi-line values end there in the whole document too, and a quote or
 * bracket still open at the end of a piece is a syntax error in the piece itself. Anything else —
 * a document marker, a directive, a column-0 line that is not a plain key, tabs, carriage
 * returns, indentation the cut cannot follow — gives no plan, and the caller reads the text whole.
 */

/** A top-level `key: value` block. */
interface Block {
  key: string;
  start: number;
  end: number;
}

/** One item of a stage's `journeys:` list, from its `-` line to the next item or field. */
interface JourneyPiece {
  stage: string;
  start: number;
  end: number;
}

export interface ChunkPlan {
  /** Top-level blocks in document order (`stages` among them). */
  blocks: Block[];
  /** Journey items of `stages`, in document order; empty when none could be cut out. */
  journeys: JourneyPiece[];
  /** The `stages` block without its journey items, when it has any. */
  frame: string | undefined;
}

const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: |$)/;
/** A key whose value is the block below it (nothing after the colon but a comment). */
const BLOCK_KEY = /^ *([A-Za-z_][A-Za-z0-9_-]*): *(?:#.*)?$/;
const JOURNEYS_KEY = /^ *journeys: *(?:#.*)?$/;

/** Cut `text` into pieces, or undefined when the cut cannot be sure to read as the whole does. */
export function planChunks(text: string): ChunkPlan | undefined {
  if (text.includes('\t') || text.includes('\r')) return undefined;
  const blocks: Block[] = [];
  const seen = new Set<string>();
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    const c = text.charCodeAt(start);
    if (c !== 32 && c !== 35 && start !== end) {
      // A column-0 line other than a comment: a top-level key, or something the cut refuses.
      const m = TOP_KEY.exec(text.slice(start, end));
      if (!m) return undefined;
      const key = m[1]!;
      if (seen.has(key)) return undefined;
      seen.add(key);
      if (blocks.length > 0) blocks.at(-1)!.end = start;
      blocks.push({ key, start, end: n });
    } else if (blocks.length === 0 && !isBlankOrComment(text, start, end)) {
      // Indented content before the first key: not a plain top-level mapping.
      return undefined;
    }
    start = end + 1;
  }
  if (blocks.length === 0) return undefined;
  const stages = blocks.find((b) => b.key === 'stages');
  const journeys = stages ? cutJourneys(text, stages) : [];
  if (journeys === undefined) return undefined;
  let frame: string | undefined;
  if (journeys.length > 0) {
    const parts: string[] = [];
    let at = stages!.start;
    for (const j of journeys) {
      parts.push(text.slice(at, j.start));
      at = j.end;
    }
    parts.push(text.slice(at, stages!.end));
    frame = parts.join('');
  }
  return { blocks, journeys, frame };
}

function isBlankOrComment(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && text.charCodeAt(i) === 32) i++;
  return i === end || text.charCodeAt(i) === 35;
}

/** The journey items of the `stages` block; undefined when its layout is not the plain one. */
function cutJourneys(text: string, stages: Block): JourneyPiece[] | undefined {
  const out: JourneyPiece[] = [];
  const keyLineEnd = lineEnd(text, stages.start);
  // `stages: {…}` or a scalar: nothing to cut, the block is read whole.
  if (!BLOCK_KEY.test(text.slice(stages.start, keyLineEnd))) return out;
  let stageIndent = -1;
  let stage: string | undefined;
  let fieldIndent = -1;
  /** Indentation of a `journeys:` key whose list has not started yet. */
  let pending = -1;
  /** The list being cut: the indentation of its key and of its items. */
  let list: { key: number; item: number } | undefined;
  let item: JourneyPiece | undefined;
  let start = keyLineEnd + 1;
  while (start < stages.end) {
    const end = lineEnd(text, start);
    let i = start;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const indent = i - start;
    if (i === end || text.charCodeAt(i) === 35) {
      start = end + 1;
      continue;
    }
    const dash = text.charCodeAt(i) === 45 && (i + 1 === end || text.charCodeAt(i + 1) === 32);
    if (pending >= 0) {
      if (dash && indent >= pending) list = { key: pending, item: indent };
      pending = -1;
    }
    if (list) {
      if (indent > list.item) {
        start = end + 1;
        continue;
      }
      if (item) {
        item.end = start;
        out.push(item);
        item = undefined;
      }
      if (indent === list.item && dash) {
        item = { stage: stage!, start, end: stages.end };
        start = end + 1;
        continue;
      }
      // A line between the list's key and its items cannot be placed.
      if (indent > list.key) return undefined;
      list = undefined;
    }
    // A line of the frame: a stage, or a field of one.
    if (stageIndent < 0) stageIndent = indent;
    if (indent < stageIndent) return undefined;
    if (indent === stageIndent) {
      const m = BLOCK_KEY.exec(text.slice(start, end));
      stage = m?.[1];
      fieldIndent = -1;
    } else if (stage !== undefined) {
      if (fieldIndent < 0) fieldIndent = indent;
      if (indent === fieldIndent && JOURNEYS_KEY.test(text.slice(start, end))) pending = indent;
    }
    start = end + 1;
  }
  if (item) out.push(item);
  return out;
}

function lineEnd(text: string, start: number): number {
  const end = text.indexOf('\n', start);
  return end === -1 ? text.length : end;
}
