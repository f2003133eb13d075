import { isTruthy } from '@kith/playbook/browser';
import type { CompiledPlaybook } from '../compile/types.js';
import { isLive } from '../model/instance.js';
import { withEntry, withoutEntry } from '../model/member.js';
import { evaluateTier, promoteStage } from './ladder.js';
import { startInstance } from './lifecycle.js';
import type { Run } from './run.js';
import { exitByCondition } from './step-loop.js';
import { INTRODUCE_INDEX, introductionKey } from './steps/introduce.js';

interface MarkKeys {
  segments: string[];
  thresholds: string[];
  /** Per `introduceBy` entry: its joined attribute list and its mark key. */
  introductions: { by: string; mark: string }[];
}

/**
 * The marks' keys of a playbook, built once: a key built afresh for each look-up must be hashed
 * again every time, and this runs after every change of every member.
 */
const markKeysOf = new WeakMap<CompiledPlaybook, MarkKeys>();

function markKeys(pb: CompiledPlaybook): MarkKeys {
  let keys = markKeysOf.get(pb);
  if (keys === undefined) {
    keys = {
      segments: pb.triggers.segments.map((j) => `seg:${j.id}`),
      thresholds: pb.triggers.thresholds.map((j) => `thr:${j.id}`),
      introductions: pb.introduceBy.map((by) => ({ by: by.join(','), mark: `intro:${by.join(',')}` })),
    };
    markKeysOf.set(pb, keys);
  }
  return keys;
}

function mark(run: Run, key: string, value: string): void {
  run.state.marks = withEntry(run.state.marks, key, value);
}

/** After the member changed: tiers, stages, exit conditions, segment and threshold triggers. */
export function reevaluate(run: Run): void {
  const pb = run.kernel.current;
  run.scope.event = null;
  evaluateTier(run);
  promoteStage(run);
  // a copy when several runs go on, as ending one changes the list; one run needs none
  const live = run.state.instances.length > 1 ? run.state.instances.slice() : run.state.instances;
  for (let i = 0; i < live.length; i++) {
    const inst = live[i]!;
    if (!isLive(inst)) continue;
    const ipb = run.kernel.version(inst.version) ?? pb;
    const journey = ipb.journeys.get(inst.journey);
    if (journey === undefined || journey.exitWhen.length === 0) continue;
    run.enter(inst, ipb, journey);
    exitByCondition(run, inst, journey);
    run.leave();
  }
  const keys = markKeys(pb);
  for (let n = 0; n < pb.triggers.segments.length; n++) {
    const j = pb.triggers.segments[n]!;
    if (j.trigger.kind !== 'segment') continue;
    const key = keys.segments[n]!;
    const holds = isTruthy(j.trigger.segment(run.scope));
    if (holds && run.state.marks[key] === undefined) {
      mark(run, key, '1');
      startInstance(run, j, null, '');
    } else if (!holds && run.state.marks[key] !== undefined) {
      run.state.marks = withoutEntry(run.state.marks, key);
    }
  }
  for (let n = 0; n < pb.triggers.thresholds.length; n++) {
    const j = pb.triggers.thresholds[n]!;
    if (j.trigger.kind !== 'threshold') continue;
    const key = keys.thresholds[n]!;
    if (run.state.marks[key] !== undefined) continue;
    const v = j.trigger.value(run.scope);
    if (typeof v === 'number' && v >= j.trigger.atLeast) {
      mark(run, key, '1');
      startInstance(run, j, null, '');
    }
  }
  for (let n = 0; n < pb.introduceBy.length; n++) {
    const by = pb.introduceBy[n]!;
    const markKey = keys.introductions[n]!.mark;
    // a member who left is taken out of the index (and put back if it returns)
    const key = run.state.leftAt === null ? (introductionKey(by, run.profile.attributes) ?? '') : '';
    const old = run.state.marks[markKey] ?? '';
    if (key === old) continue;
    if (key === '') run.state.marks = withoutEntry(run.state.marks, markKey);
    else mark(run, markKey, key);
    run.request(INTRODUCE_INDEX, { by: keys.introductions[n]!.by, from: old, to: key }, null);
  }
}
