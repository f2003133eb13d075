/**
 * Playbooks made from a template (`extends:`) hold only what the client changed. The board shows
 * the template's journeys as well (from the resolved playbook); editing a field of an inherited
 * step writes an `overrides:` entry, and "customize" copies a whole journey, with the template's
 * comments, into the client's file (a journey with the same id replaces the template's).
 */
import { Document, isMap, isNode, isSeq } from 'yaml';
import { type BoardModel, type JourneyNode, readBoard, type StepNode } from './board.js';
import { EditError, extractSeqItem, insertSeqItem, type Path, parseYaml, setDeep } from './yaml-text.js';

/** The template a playbook extends (`extends: spec` or `extends: { from: spec }`). */
export function extendsSpec(doc: Document): string | undefined {
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  const ext = root.get('extends');
  if (typeof ext === 'string') return ext;
  if (isMap(ext)) {
    const from = ext.get('from');
    return typeof from === 'string' ? from : undefined;
  }
  return undefined;
}

/**
 * The board of a playbook that extends a template: the resolved stages, where journeys the
 * client wrote come from its own file (real paths, editable as usual) and the others are marked
 * inherited (their paths point into the resolved playbook, for diagnostics only).
 */
export function mergedBoard(own: BoardModel, resolved: unknown): BoardModel {
  const full = readBoard(new Document(resolved));
  const mine = new Map(own.stages.flatMap((s) => s.journeys.map((j) => [j.id, j] as const)));
  const merged: BoardModel = { stages: [], extends: own.extends, steps: new Map(), journeys: new Map() };
  for (const stage of full.stages) {
    const ownStage = own.stages.find((s) => s.id === stage.id);
    const journeys: JourneyNode[] = stage.journeys.map((j) => {
      const written = mine.get(j.id);
      if (written) {
        // Diagnostics speak of the resolved playbook: map its paths onto the client's journey.
        rebase(written, written.steps, written.pointer, j.pointer, merged);
        return written;
      }
      j.inherited = { stage: stage.id };
      j.match = j.pointer;
      j.pointer = `~${j.pointer}`;
      merged.journeys.set(j.pointer, j);
      markInherited(j, j.steps, merged);
      return j;
    });
    merged.stages.push({ ...(ownStage ?? stage), journeys, name: ownStage?.name ?? stage.name });
  }
  // Journeys written in stages the template does not have (yet).
  for (const s of own.stages)
    if (!merged.stages.some((m) => m.id === s.id)) {
      merged.stages.push(s);
      for (const j of s.journeys) rebase(j, j.steps, j.pointer, j.pointer, merged);
    }
  return merged;
}

function rebase(journey: JourneyNode, steps: StepNode[], from: string, to: string, model: BoardModel): void {
  if (steps === journey.steps) {
    journey.match = to;
    model.journeys.set(journey.pointer, journey);
  }
  for (const s of steps) {
    s.match = to + s.pointer.slice(from.length);
    model.steps.set(s.pointer, s);
    for (const b of s.branches) rebase(journey, b.steps, from, to, model);
  }
}

function markInherited(journey: JourneyNode, steps: StepNode[], model: BoardModel): void {
  for (const s of steps) {
    s.inherited = { journey: journey.id, step: s.id };
    s.match = s.pointer;
    s.pointer = `~${s.pointer}`;
    model.steps.set(s.pointer, s);
    for (const b of s.branches) markInherited(journey, b.steps, model);
  }
}

/** The value of a step as the template writes it (params not substituted), if found. */
export function templateStepValue(
  templateText: string,
  journey: string,
  step: string,
): Record<string, unknown> | undefined {
  const board = readBoard(parseYaml(templateText));
  for (const st of board.stages)
    for (const j of st.journeys)
      if (j.id === journey) {
        const found = [...board.steps.values()].find(
          (s) => s.id === step && s.pointer.startsWith(`${j.pointer}/`),
        );
        if (found) return found.value;
      }
  return undefined;
}

/**
 * Writes a change to a field of an inherited step as an override. `field` is the path inside the
 * step (`['send', 'text']`); the override replaces the step's top field (`send`) as a whole, so
 * it is built from what the client already overrides, else what the template writes.
 */
export function overrideStepField(
  text: string,
  at: { journey: string; step: string },
  field: Path,
  value: unknown,
  templateValue: Record<string, unknown> | undefined,
  resolvedValue: Record<string, unknown>,
): string {
  const key = `${at.journey}.${at.step}`;
  const top = field[0];
  if (top === undefined) throw new EditError('Nothing to change.');
  if (top === 'id')
    throw new EditError('An inherited step keeps its id: customize the journey to rename it.');
  const node = parseYaml(text).getIn(['overrides', key, top], true);
  const written = isNode(node) ? (node.toJSON() as unknown) : undefined;
  const current = written ?? templateValue?.[String(top)] ?? resolvedValue[String(top)];
  const next = field.length === 1 ? value : setIn(structuredClone(current) ?? {}, field.slice(1), value);
  return setDeep(text, ['overrides', key, top], next ?? null);
}

function setIn(target: unknown, path: Path, value: unknown): unknown {
  const root = (typeof target === 'object' && target !== null ? target : {}) as Record<
    string | number,
    unknown
  >;
  let node = root;
  path.forEach((k, i) => {
    if (i === path.length - 1) {
      if (value === undefined) delete node[k];
      else node[k] = value;
      return;
    }
    const child = node[k];
    node[k] = typeof child === 'object' && child !== null ? child : {};
    node = node[k] as Record<string | number, unknown>;
  });
  return root;
}

/**
 * Copies an inherited journey from the template's text (comments included) into the client's
 * playbook, in the same stage, so it can be changed freely. Existing overrides of its steps stay
 * and are reported by the validator if they no longer apply.
 */
export function customizeJourney(text: string, templateText: string, stage: string, journey: string): string {
  const tdoc = parseYaml(templateText);
  const journeys = tdoc.getIn(['stages', stage, 'journeys'], true);
  if (!isSeq(journeys)) throw new EditError(`The template has no stage "${stage}" with journeys.`);
  const index = journeys.items.findIndex((j) => isMap(j) && j.get('journey') === journey);
  if (index === -1) throw new EditError(`The template has no journey "${journey}" in stage "${stage}".`);
  const { block, indent } = extractSeqItem(templateText, ['stages', stage, 'journeys', index]);
  const doc = parseYaml(text);
  let out = text;
  if (!isMap(doc.getIn(['stages', stage], true))) out = setDeep(out, ['stages', stage], {});
  const list = parseYaml(out).getIn(['stages', stage, 'journeys'], true);
  const at = isSeq(list) ? list.items.length : 0;
  return insertSeqItem(out, ['stages', stage, 'journeys'], at, block, indent);
}
