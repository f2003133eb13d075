/**
 * The board's view of a playbook: stages in written order, their journeys, and each journey's
 * steps as a tree (branches of `if`, arms of `split`, `onTimeout` of a wait). Read from the YAML
 * document itself, so every card knows its path and source offsets (to mark diagnostics and to
 * edit the right lines).
 */
import { type Document, isMap, isNode, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Path } from './yaml-text.js';

/** Step action keys, in the palette's order (the same list as `STEP_KINDS` in @kith/playbook). */
export const STEP_KINDS = [
  'send',
  'wait',
  'if',
  'split',
  'set',
  'tag',
  'score',
  'tier',
  'offer',
  'charge',
  'group',
  'introduce',
  'call',
  'emit',
  'goal',
  'exit',
] as const;

export const CORE_STAGES = ['attract', 'activate', 'transact', 'expand'] as const;

export interface BranchNode {
  /** `then`, `else`, `onTimeout`, or `split` (one per variant). */
  kind: 'then' | 'else' | 'onTimeout' | 'split';
  /** Variant name for a split arm. */
  variant?: string;
  weight?: number;
  /** Path of the list of steps. */
  path: Path;
  steps: StepNode[];
}

export interface StepNode {
  id: string;
  kind: string | undefined;
  name: string | undefined;
  /** One line describing what the step does, from its action value. */
  summary: string;
  path: Path;
  pointer: string;
  start: number;
  end: number;
  value: Record<string, unknown>;
  branches: BranchNode[];
  /** The pointer diagnostics use for it, when it differs from `pointer` (resolved playbook). */
  match?: string;
  /** Set when the step comes from the template this playbook extends (edits become overrides). */
  inherited?: { journey: string; step: string };
}

export interface JourneyNode {
  id: string;
  name: string | undefined;
  trigger: string;
  enabled: boolean;
  path: Path;
  pointer: string;
  stepsPath: Path;
  start: number;
  end: number;
  steps: StepNode[];
  stepCount: number;
  match?: string;
  /** Set when the journey comes unchanged from the template this playbook extends. */
  inherited?: { stage: string };
}

export interface StageNode {
  id: string;
  name: string | undefined;
  core: boolean;
  path: Path;
  pointer: string;
  journeysPath: Path;
  journeys: JourneyNode[];
}

export interface BoardModel {
  stages: StageNode[];
  /** Set when the document extends a template and has no stages of its own to show. */
  extends: string | undefined;
  /** Every step id path, for lookups by pointer. */
  steps: Map<string, StepNode>;
  journeys: Map<string, JourneyNode>;
}

export function toPointer(path: Path): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function keyOf(n: unknown): string {
  return isScalar(n) ? String(n.value) : String(n);
}

function rangeOf(n: unknown): [number, number] {
  const r = (n as Node | null)?.range;
  return r ? [r[0], r[1]] : [0, 0];
}

function summarize(kind: string | undefined, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value))
    return value.map((arm) => `${String((arm as { variant?: unknown } | null)?.variant ?? '?')}`).join(' / ');
  const v = value as Record<string, unknown>;
  switch (kind) {
    case 'send':
      return [v.via, v.text ?? v.subject].filter((x) => x !== undefined).join(' · ');
    case 'wait':
      return [v.event ?? v.for ?? v.until, v.timeout ? `≤ ${String(v.timeout)}` : undefined]
        .filter((x) => x !== undefined)
        .join(' ');
    case 'call':
      return `${String(v.plugin ?? '?')}.${String(v.action ?? '?')}`;
    case 'set':
      return Object.keys(v).join(', ');
    default: {
      const first = Object.values(v)[0];
      return typeof first === 'object' ? JSON.stringify(first) : String(first ?? '');
    }
  }
}

function readSteps(seq: unknown, path: Path, model: BoardModel): StepNode[] {
  if (!isSeq(seq)) return [];
  const out: StepNode[] = [];
  seq.items.forEach((item, i) => {
    const stepPath = [...path, i];
    const [start, end] = rangeOf(item);
    const map = isMap(item) ? item : undefined;
    const kind =
      STEP_KINDS.find((k) => map?.has(k)) ??
      map?.items.map((p) => keyOf(p.key)).find((k) => k !== 'id' && k !== 'name' && k !== 'note');
    const id = map?.get('id');
    const name = map?.get('name');
    const action = kind === undefined ? undefined : map?.get(kind, true);
    const actionValue = isNode(action) ? (action.toJSON() as unknown) : action;
    let value: Record<string, unknown> | undefined;
    const step: StepNode = {
      id: typeof id === 'string' ? id : `#${i + 1}`,
      kind,
      name: typeof name === 'string' ? name : undefined,
      summary: kind === 'if' ? String(actionValue ?? '') : summarize(kind, actionValue),
      path: stepPath,
      pointer: toPointer(stepPath),
      start,
      end,
      // The whole step as plain data is only needed for the selected one: built on first use.
      get value() {
        value ??= (map ? map.toJSON() : {}) as Record<string, unknown>;
        return value;
      },
      branches: [],
    };
    if (isMap(item)) {
      for (const key of ['then', 'else', 'onTimeout'] as const) {
        if (
          item.has(key) ||
          (key !== 'onTimeout' && kind === 'if') ||
          (key === 'onTimeout' && isEventWait(actionValue, kind))
        )
          step.branches.push({
            kind: key,
            path: [...stepPath, key],
            steps: readSteps(item.get(key, true), [...stepPath, key], model),
          });
      }
      const split = item.get('split', true);
      if (isSeq(split))
        split.items.forEach((arm, a) => {
          const armJson = (isMap(arm) ? arm.toJSON() : {}) as Record<string, unknown>;
          const armPath = [...stepPath, 'split', a, 'steps'];
          step.branches.push({
            kind: 'split',
            variant: String(armJson.variant ?? `#${a + 1}`),
            weight: typeof armJson.weight === 'number' ? armJson.weight : undefined,
            path: armPath,
            steps: readSteps(isMap(arm) ? arm.get('steps', true) : undefined, armPath, model),
          });
        });
    }
    model.steps.set(step.pointer, step);
    out.push(step);
  });
  return out;
}

function isEventWait(action: unknown, kind: string | undefined): boolean {
  return kind === 'wait' && typeof action === 'object' && action !== null && 'event' in action;
}

function triggerText(on: unknown): string {
  if (typeof on === 'string') return on;
  if (typeof on === 'object' && on !== null) {
    const o = on as Record<string, unknown>;
    return String(o.event ?? o.stage ?? o.schedule ?? o.every ?? Object.values(o)[0] ?? '');
  }
  return '';
}

function countSteps(steps: StepNode[]): number {
  return steps.reduce((n, s) => n + 1 + s.branches.reduce((m, b) => m + countSteps(b.steps), 0), 0);
}

export function readBoard(doc: Document): BoardModel {
  const model: BoardModel = { stages: [], extends: undefined, steps: new Map(), journeys: new Map() };
  const root = doc.contents;
  if (!isMap(root)) return model;
  const ext = root.get('extends');
  model.extends = typeof ext === 'string' ? ext : undefined;
  const stages = root.get('stages', true);
  if (!isMap(stages)) return model;
  for (const pair of stages.items) {
    const id = keyOf(pair.key);
    const stagePath = ['stages', id];
    const stage = pair.value as YAMLMap | null;
    const journeys = isMap(stage) ? stage.get('journeys', true) : undefined;
    const node: StageNode = {
      id,
      name: isMap(stage) ? (stage.get('name') as string | undefined) : undefined,
      core: (CORE_STAGES as readonly string[]).includes(id),
      path: stagePath,
      pointer: toPointer(stagePath),
      journeysPath: [...stagePath, 'journeys'],
      journeys: [],
    };
    if (isSeq(journeys))
      journeys.items.forEach((j, i) => {
        const jPath = [...node.journeysPath, i];
        const json = (isMap(j) ? j.toJSON() : {}) as Record<string, unknown>;
        const [start, end] = rangeOf(j);
        const steps = readSteps(isMap(j) ? j.get('steps', true) : undefined, [...jPath, 'steps'], model);
        const journey: JourneyNode = {
          id: typeof json.journey === 'string' ? json.journey : `#${i + 1}`,
          name: typeof json.name === 'string' ? json.name : undefined,
          trigger: triggerText(json.on),
          enabled: json.enabled !== false,
          path: jPath,
          pointer: toPointer(jPath),
          stepsPath: [...jPath, 'steps'],
          start,
          end,
          steps,
          stepCount: countSteps(steps),
        };
        model.journeys.set(journey.pointer, journey);
        node.journeys.push(journey);
      });
    model.stages.push(node);
  }
  return model;
}

/** Every step id used in a journey (all branches), to make new ids unique. */
export function stepIdsOf(journey: JourneyNode): Set<string> {
  const ids = new Set<string>();
  const walk = (steps: StepNode[]): void => {
    for (const s of steps) {
      ids.add(s.id);
      for (const b of s.branches) walk(b.steps);
    }
  };
  walk(journey.steps);
  return ids;
}

/** The journey a path (of a step or a branch) lies in. */
export function journeyOf(model: BoardModel, path: Path): JourneyNode | undefined {
  return path.length >= 4 ? model.journeys.get(toPointer(path.slice(0, 4))) : undefined;
}

/** The sections steps refer to (channels, payments, offers, tiers, groups; stage names), as values. */
export function sectionsOf(doc: Document): Record<string, unknown> {
  const root = doc.contents;
  const out: Record<string, unknown> = {};
  if (!isMap(root)) return out;
  for (const section of ['channels', 'payments', 'offers', 'tiers', 'groups', 'campaigns']) {
    const node = root.get(section, true);
    if (isMap(node)) out[section] = node.toJSON();
  }
  const stages = root.get('stages', true);
  if (isMap(stages)) out.stages = Object.fromEntries(stages.items.map((p) => [keyOf(p.key), {}]));
  return out;
}
