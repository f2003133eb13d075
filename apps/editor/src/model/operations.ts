/**
 * What the board does to a playbook, as text → text functions: each one validates the request,
 * then edits only the lines concerned (see yaml-text.ts), so the YAML keeps its comments.
 */
import { type BoardModel, journeyOf, readBoard, type StepNode, stepIdsOf, toPointer } from './board.js';
import {
  deleteValue,
  EditError,
  extractSeqItem,
  insertSeqItem,
  moveSeqItem,
  type Path,
  parseYaml,
  renderSeqItem,
  setValue,
} from './yaml-text.js';

export { EditError, type Path } from './yaml-text.js';

export function boardOf(text: string): BoardModel {
  return readBoard(parseYaml(text));
}

function isStepList(path: Path): boolean {
  const last = path[path.length - 1];
  return last === 'steps' || last === 'then' || last === 'else' || last === 'onTimeout';
}

/** Moves a step (with its branches and comments) to `index` of a step list of the same journey. */
export function moveStep(text: string, from: Path, toList: Path, index: number): string {
  if (!isStepList(toList)) throw new EditError(`${toList.join('.')} is not a list of steps.`);
  const board = boardOf(text);
  const step = board.steps.get(toPointer(from));
  if (!step) throw new EditError(`There is no step at ${from.join('.')}; the playbook may have changed.`);
  const fromJourney = journeyOf(board, from);
  const toJourney = journeyOf(board, toList);
  if (!toJourney) throw new EditError(`There is no journey at ${toList.slice(0, 4).join('.')}.`);
  if (fromJourney?.pointer !== toJourney.pointer) {
    const taken = stepIdsOf(toJourney);
    const clash = collectIds(step).find((id) => taken.has(id));
    if (clash)
      throw new EditError(`Journey "${toJourney.id}" already has a step "${clash}": rename one first.`);
  }
  return moveSeqItem(text, from, toList, index);
}

function collectIds(step: StepNode): string[] {
  return [step.id, ...step.branches.flatMap((b) => b.steps.flatMap(collectIds))];
}

/** Moves a journey to `index` in a stage (another stage or the same one). */
export function moveJourney(text: string, from: Path, toStage: string, index: number): string {
  const board = boardOf(text);
  if (!board.journeys.has(toPointer(from))) throw new EditError(`There is no journey at ${from.join('.')}.`);
  const stage = board.stages.find((s) => s.id === toStage);
  if (!stage) throw new EditError(`There is no stage "${toStage}" in this playbook.`);
  return moveSeqItem(text, from, stage.journeysPath, index);
}

/** A step id not used in the journey yet: `send`, `send-2`, … */
export function uniqueStepId(taken: Set<string>, base: string): string {
  const clean = base.replace(/[^a-z0-9._-]/gi, '-').toLowerCase() || 'step';
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n++) if (!taken.has(`${clean}-${n}`)) return `${clean}-${n}`;
}

/**
 * Inserts a new step built from `fields` (an action key and its value, e.g. `{ send: {...} }`)
 * into a step list; it gets a fresh id unless `fields` has one that is free.
 */
export function addStep(text: string, toList: Path, index: number, fields: Record<string, unknown>): string {
  if (!isStepList(toList)) throw new EditError(`${toList.join('.')} is not a list of steps.`);
  const board = boardOf(text);
  const journey = journeyOf(board, toList);
  if (!journey) throw new EditError(`There is no journey at ${toList.slice(0, 4).join('.')}.`);
  const taken = stepIdsOf(journey);
  const kind = Object.keys(fields).find((k) => k !== 'id' && k !== 'name') ?? 'step';
  const wanted = typeof fields.id === 'string' ? fields.id : kind;
  const id = taken.has(wanted) ? uniqueStepId(taken, wanted) : wanted;
  const { id: _drop, ...rest } = fields;
  return insertSeqItem(text, toList, index, renderSeqItem({ id, ...rest }), 0);
}

export function deleteStep(text: string, path: Path): string {
  const board = boardOf(text);
  const step = board.steps.get(toPointer(path));
  if (!step) throw new EditError(`There is no step at ${path.join('.')}.`);
  const list = path.slice(0, -1);
  // Branches may be emptied; a journey's own list must keep one step (the schema requires it).
  const siblings = list.length === 5 ? (journeyOf(board, path)?.steps.length ?? 0) : 2;
  if (siblings <= 1)
    throw new EditError(`A journey needs at least one step: add another before deleting "${step.id}".`);
  return deleteValue(text, path);
}

/** Sets (or with `undefined`, removes) a field of a step, e.g. `['send', 'text']`. */
export function updateStepField(text: string, step: Path, field: Path, value: unknown): string {
  const path = [...step, ...field];
  const doc = parseYaml(text);
  if (!doc.hasIn(step))
    throw new EditError(`There is no step at ${step.join('.')}; the playbook may have changed.`);
  if (value === undefined) return doc.hasIn(path) ? deleteValue(text, path) : text;
  // A field under a missing map (e.g. `wait.timeout` when `wait` is a duration): write the map.
  for (let i = step.length + 1; i < path.length; i++) {
    const prefix = path.slice(0, i);
    const existing = doc.getIn(prefix);
    if (existing === undefined || typeof existing !== 'object' || existing === null) {
      const nested = path.slice(i).reduceRight<unknown>((v, key) => ({ [String(key)]: v }), value);
      return setValue(text, prefix, nested);
    }
  }
  return setValue(text, path, value);
}

/** Replaces a step's action value (`send`, `wait`, …) as a whole, e.g. when switching its form. */
export function setStepAction(text: string, step: Path, kind: string, value: unknown): string {
  return setValue(text, [...step, kind], value);
}

/** Duplicates a step right after itself, with a fresh id. */
export function duplicateStep(text: string, path: Path): string {
  const board = boardOf(text);
  const step = board.steps.get(toPointer(path));
  const journey = journeyOf(board, path);
  if (!step || !journey) throw new EditError(`There is no step at ${path.join('.')}.`);
  const { block, indent } = extractSeqItem(text, path);
  const id = uniqueStepId(stepIdsOf(journey), step.id);
  const copied = block.replace(new RegExp(`(^\\s*-\\s*id:\\s*)${escapeRe(step.id)}\\b`, 'm'), `$1${id}`);
  const index = path[path.length - 1] as number;
  if (copied === block) return addStep(text, path.slice(0, -1), index + 1, { ...step.value, id });
  return insertSeqItem(text, path.slice(0, -1), index + 1, copied, indent);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
