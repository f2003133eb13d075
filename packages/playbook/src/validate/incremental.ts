import { type ChunkPlan, planChunks } from '../load/chunks.js';
import { mayNestDeep } from '../load/fast-load.js';
import { DEFAULT_LIMITS } from '../load/limits.js';
import { baseOf } from '../load/locate.js';
import {
  exceedsBlockDepth,
  exceedsFlowDepth,
  loadFragment,
  type Origin,
  Origins,
  type SourceFile,
} from '../load/source.js';
import {
  checkResolution,
  finishValidation,
  type ValidateOptions,
  type ValidateResult,
  validatePlaybookText,
  validatePlaybookTextFully,
} from './index.js';
import type { Issue } from './issue.js';
import { isRecord, resolveLoaded } from './resolve.js';

/** Where a piece sits in the text validated last: its origins read the file and offset from here. */
interface Placement {
  source: SourceFile;
  shift: number;
}

/** The origin of a collection of a kept piece: placed wherever the piece is now. */
class PieceOrigin implements Origin {
  constructor(
    readonly node: Origin['node'],
    private readonly placement: Placement,
  ) {}

  get source(): SourceFile {
    return this.placement.source;
  }

  get shift(): number {
    return this.placement.shift;
  }
}

/** A piece of the text read on its own, kept while the same text is still in the document. */
interface Piece {
  /** Its value as read. */
  value: unknown;
  /** Origins of its collections, with offsets from the piece's own start. */
  origins: Origins;
  nodes: number;
  /**
   * Whether its value goes into results as it is (shared with earlier and later results): not
   * when resolving would change it (a `${params.…}` in it is substituted in place).
   */
  shared: boolean;
  placement: Placement;
  /** The last validation that placed the shared value (a second copy of the text gets a copy). */
  run: number;
}

/** How the last `validate` went, for benchmarks and tests. */
export interface IncrementalStats {
  /** Whether the text was validated piece by piece (false: the whole way, as `validatePlaybookText`). */
  incremental: boolean;
  /**
   * Why not, when it was not: `layout` (the text cannot be cut into pieces surely), `yaml` (a
   * piece has something to report, or is not what its place needs), `extends` (`extends` or
   * `overrides`), `place` (a diagnostic about a place outside the pieces), `depth` or `limits`
   * (the loader's limits), `resolve`; `not run` before the first text, '' when it was.
   */
  reason: FallbackReason | 'not run' | '';
  /** Pieces read again because their text was new (0 when the text was read whole). */
  parsed: number;
  /** Pieces in the document (0 when the text was read whole). */
  pieces: number;
}

/**
 * Depth of the journeys list in the document: root → `stages` → a stage → `journeys`. A journey
 * item is read alone as a one-item list at that depth, so the depth limit applies as in the whole.
 */
const JOURNEYS_DEPTH = 3;

/** Why a text was read whole rather than piece by piece (`IncrementalStats.reason`). */
export type FallbackReason = 'layout' | 'yaml' | 'extends' | 'place' | 'depth' | 'limits' | 'resolve';

/** Reasons to read the text whole that also mean it has something to report. */
const KNOWN_PROBLEMS: ReadonlySet<FallbackReason> = new Set(['yaml', 'place', 'resolve']);

/**
 * Validates successive versions of one playbook (an editor's keystrokes), re-reading only the
 * parts of the text that changed: top-level blocks and the journeys of each stage are read on
 * their own and kept by text; everything else (resolve, schema and semantic checks) runs on the
 * whole playbook. The result is always the one `validatePlaybookText` gives for the same text —
 * same diagnostics, positions, order and resolved playbook: whatever it cannot be sure to read
 * identically piece by piece (`extends`, anchors and aliases, any YAML problem, unusual layout,
 * a diagnostic about a place outside the pieces) is validated the whole way instead.
 *
 * Unchanged pieces are not copied: a result's `playbook` shares them with the validator's other
 * results. Read it; do not change it.
 *
 * @example
 * const validator = new IncrementalValidator('welcome.yaml', { plugins });
 * const { diagnostics } = validator.validate(textAfterKeystroke);
 */
export class IncrementalValidator {
  /** Pieces by kind, then by text (null: the text cannot be read alone). */
  private pieces = new Kept();
  /** Origins of the values of kept pieces (and of copies made for the current text). */
  private origins = new Origins();
  private runs = 0;
  private last: IncrementalStats = { incremental: false, reason: 'not run', parsed: 0, pieces: 0 };

  constructor(
    readonly file: string,
    private readonly options: ValidateOptions = {},
  ) {}

  /** How the last call went. */
  get stats(): IncrementalStats {
    return this.last;
  }

  validate(text: string): ValidateResult {
    const result = this.incremental(text);
    if (typeof result === 'string') {
      this.last = { incremental: false, reason: result, parsed: 0, pieces: 0 };
      // A piece with a YAML problem, or diagnostics, send the fast path to the full one anyway.
      return KNOWN_PROBLEMS.has(result)
        ? validatePlaybookTextFully(text, this.file, this.options)
        : validatePlaybookText(text, this.file, this.options);
    }
    return result;
  }

  /** The result, or why the text must be read whole. */
  private incremental(text: string): ValidateResult | FallbackReason {
    const limits = DEFAULT_LIMITS;
    if (text.length > limits.maxChars || text.includes('\u0000')) return 'limits';
    // The depth estimates read the whole text as `loadYaml` does: a piece alone may look shallower.
    if (exceedsFlowDepth(text, limits.maxDepth) !== undefined) return 'depth';
    // (Its nesting is a stack of increasing columns: no line reaching twice the limit's column, no
    // need to run it.)
    if (mayNestDeep(text, limits.maxDepth) && exceedsBlockDepth(text, limits.maxDepth) !== undefined)
      return 'depth';
    const plan = planChunks(text);
    if (!plan) return 'layout';
    // The root has no origin of its own: what reports through it (overrides, params given to a
    // template) and merges through `extends` are left to the whole way.
    if (plan.blocks.some((b) => b.key === 'extends' || b.key === 'overrides')) return 'extends';

    const used = new Kept();
    const run = ++this.runs;
    const source: SourceFile = { file: this.file, text, doc: undefined };
    const origins = this.origins;
    let parsed = 0;
    let nodes = 0;
    /** The value of a piece of `text` at `start`, read again only when its text is new. */
    const read: Reader = (kind, start, end, depth) => {
      const pieceText = kind === 'frame' ? plan.frame! : text.slice(start, end);
      let piece = used.get(kind, pieceText) ?? this.pieces.get(kind, pieceText);
      if (piece === undefined) {
        parsed++;
        piece = readPiece(pieceText, this.file, depth, kind !== 'frame', origins);
      }
      used.set(kind, pieceText, piece);
      if (!piece) return undefined;
      nodes += piece.nodes;
      if (kind === 'frame') return copy(piece.value, piece.origins, undefined, source, 0);
      if (piece.shared && piece.run !== run) {
        piece.run = run;
        piece.placement.source = source;
        piece.placement.shift = start;
        return piece.value;
      }
      return copy(piece.value, piece.origins, origins, source, start);
    };

    const root: Record<string, unknown> = {};
    const framed = plan.frame !== undefined;
    let problem: FallbackReason | undefined;
    for (const block of plan.blocks) {
      if (framed && block.key === 'stages') {
        const stages = stagesValue(plan, read);
        if (typeof stages === 'string') {
          problem = stages;
          break;
        }
        root.stages = stages;
        continue;
      }
      const value = read('block', block.start, block.end, 0);
      const keys = isRecord(value) ? Object.keys(value) : [];
      if (keys.length !== 1 || keys[0] !== block.key) {
        problem = 'yaml';
        break;
      }
      root[block.key] = (value as Record<string, unknown>)[block.key];
      // The root has no node of its own here: its key is found in the piece's mapping instead
      // (as a merged key would be), which holds the same pair the whole document's root does.
      const holder = origins.get(value as object);
      if (holder) origins.setKey(root, block.key, holder);
    }
    if (problem) {
      // Keep what was read so far too: typing through a broken piece should not lose the rest.
      if (this.pieces.size > MAX_KEPT) this.pieces = new Kept();
      this.pieces.add(used);
      return problem;
    }
    this.pieces = used;
    if (nodes > limits.maxNodes) return 'limits';

    const resolution = resolveLoaded(this.file, { source, value: root }, origins, this.options.host);
    if (resolution.diagnostics.length > 0) return 'resolve';
    const issues = checkResolution(resolution, this.options);
    if (resolution.value && !issues.every((i) => placeable(i, resolution.value, origins))) return 'place';
    this.last = { incremental: true, reason: '', parsed, pieces: used.size };
    return finishValidation(resolution, this.file, issues);
  }
}

/** Pieces kept across texts that could not be validated piece by piece, before starting over. */
const MAX_KEPT = 10_000;

type Kind = 'block' | 'journey' | 'frame';

/**
 * Pieces by kind and text. (A map per kind, not one keyed by kind and text together: a key built
 * by concatenation would copy every piece's text on every keystroke.)
 */
class Kept {
  private readonly maps: Record<Kind, Map<string, Piece | null>> = {
    block: new Map(),
    journey: new Map(),
    frame: new Map(),
  };

  get size(): number {
    return this.maps.block.size + this.maps.journey.size + this.maps.frame.size;
  }

  get(kind: Kind, text: string): Piece | null | undefined {
    return this.maps[kind].get(text);
  }

  set(kind: Kind, text: string, piece: Piece | null): void {
    this.maps[kind].set(text, piece);
  }

  add(other: Kept): void {
    for (const kind of ['block', 'journey', 'frame'] as const)
      for (const [text, piece] of other.maps[kind]) this.set(kind, text, piece);
  }
}

/** The value of the piece `kind` of the text at [start, end), or undefined if it cannot be used. */
type Reader = (kind: Kind, start: number, end: number, depth: number) => unknown;

/** The `stages` value: its frame read whole, each journey item read on its own. */
function stagesValue(plan: ChunkPlan, read: Reader): Record<string, unknown> | FallbackReason {
  const frame = read('frame', 0, 0, 0);
  if (!isRecord(frame)) return 'yaml';
  const keys = Object.keys(frame);
  if (keys.length !== 1 || keys[0] !== 'stages') return 'yaml';
  // The frame's own positions are not those of the text: its values have no origins, and a
  // diagnostic placed through them sends the text the whole way (see `placeable`).
  const stages = frame.stages;
  if (!isRecord(stages)) return 'layout';
  const lists = new Map<string, unknown[]>();
  for (const j of plan.journeys) {
    const stage = stages[j.stage];
    let list = lists.get(j.stage);
    // The frame reads the cut-out list as an empty `journeys:` (null).
    if (!list && (!Object.hasOwn(stages, j.stage) || !isRecord(stage) || stage.journeys !== null))
      return 'layout';
    const items = read('journey', j.start, j.end, JOURNEYS_DEPTH);
    if (!Array.isArray(items) || items.length !== 1) return 'yaml';
    if (!list) {
      list = [];
      lists.set(j.stage, list);
      // Set at once: the key keeps its place among the stage's fields.
      (stage as Record<string, unknown>).journeys = list;
    }
    list.push(items[0]);
  }
  return stages;
}

/**
 * Read a piece with the full loader; null when it has anything to report (or uses aliases). A
 * piece to be shared has its collections' origins recorded in `origins`, placed by the piece.
 */
function readPiece(
  text: string,
  file: string,
  depth: number,
  share: boolean,
  origins: Origins,
): Piece | null {
  const local = new Origins();
  const loaded = loadFragment(text, file, local, depth);
  if (loaded.issues.length > 0 || loaded.value === undefined || loaded.aliases > 0) return null;
  const placement: Placement = { source: loaded.source, shift: 0 };
  // (The value, not the text: an escape in a quoted string can spell `${params.…}` too.)
  const shared = share && !mentionsParams(loaded.value);
  if (shared) place(loaded.value, local, origins, placement);
  return { value: loaded.value, origins: local, nodes: loaded.nodes, shared, placement, run: 0 };
}

/** Whether resolving would substitute parameters into this value (changing it in place). */
function mentionsParams(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${params.');
  if (value === null || typeof value !== 'object') return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(mentionsParams);
}

function place(value: unknown, from: Origins, to: Origins, placement: Placement): void {
  if (value === null || typeof value !== 'object') return;
  const o = from.get(value);
  if (o) to.set(value, new PieceOrigin(o.node, placement));
  if (Array.isArray(value)) for (const v of value) place(v, from, to, placement);
  else for (const v of Object.values(value)) place(v, from, to, placement);
}

/**
 * A fresh copy of a piece's value (for one that resolving changes, or a second copy of the same
 * text), each collection given the origin of the one it copies, placed at `shift` in the text.
 * Without `to`, no origins.
 */
function copy(
  value: unknown,
  from: Origins,
  to: Origins | undefined,
  source: SourceFile,
  shift: number,
): unknown {
  if (value === null || typeof value !== 'object') return value;
  let out: unknown[] | Record<string, unknown>;
  if (Array.isArray(value)) {
    const list: unknown[] = [];
    for (const v of value) list.push(copy(v, from, to, source, shift));
    out = list;
  } else {
    const map: Record<string, unknown> = {};
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) map[k] = copy(record[k], from, to, source, shift);
    out = map;
  }
  if (to) {
    const o = from.get(value);
    if (o) to.set(out, { source, node: o.node, shift });
  }
  return out;
}

/**
 * Whether an issue is placed as the whole way would place it: through the origin of a value read
 * from a piece (every collection has one there, and each top-level key its piece's mapping), not
 * through the frame's or the root's own (none here).
 */
function placeable(issue: Issue, root: unknown, origins: Origins): boolean {
  if (!('path' in issue.at)) return false;
  if (!baseOf(root, origins, issue.at.path, issue.at.key === true).base) return false;
  const first = issue.args.firstPath;
  if (typeof first === 'string') {
    const segs = first.split('/').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (!baseOf(root, origins, segs, false).base) return false;
  }
  return true;
}
