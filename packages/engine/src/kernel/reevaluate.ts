import { isTruthy } from '@kith/playbook/browser';
import { isLive } from '../model/instance.js';
import { ownRecord } from '../model/member.js';
import { evaluateTier, promoteStage } from './ladder.js';
import { startInstance } from './lifecycle.js';
import type { Run } from './run.js';
import { exitByCondition } from './step-loop.js';
import { INTRODUCE_INDEX, introductionKey } from './steps/introduce.js';

function mark(run: Run, key: string, value: string): void {
  run.state.marks = ownRecord(run.state.marks);
  run.state.marks[key] = value;
}

/** After the member changed: tiers, stages, exit conditions, segment and threshold triggers. */
export function reevaluate(run: Run): void {
  const pb = run.kernel.current;
  run.scope.event = null;
  evaluateTier(run);
  promoteStage(run);
  for (const inst of run.state.instances.slice()) {
    if (!isLive(inst)) continue;
    const ipb = run.kernel.version(inst.version) ?? pb;
    const journey = ipb.journeys.get(inst.journey);
    if (journey === undefined || journey.exitWhen.length === 0) continue;
    run.enter(inst, ipb, journey);
    exitByCondition(run, inst, journey);
    run.leave();
  }
  const marks = run.state.marks;
  for (const j of pb.triggers.segments) {
    if (j.trigger.kind !== 'segment') continue;
    const key = `seg:${j.id}`;
    const holds = isTruthy(j.trigger.segment(run.scope));
    if (holds && marks[key] === undefined) {
      mark(run, key, '1');
      startInstance(run, j, null, '');
    } else if (!holds && marks[key] !== undefined) {
      delete marks[key];
    }
  }
  for (const j of pb.triggers.thresholds) {
    if (j.trigger.kind !== 'threshold') continue;
    const key = `thr:${j.id}`;
    if (marks[key] !== undefined) continue;
    const v = j.trigger.value(run.scope);
    if (typeof v === 'number' && v >= j.trigger.atLeast) {
      mark(run, key, '1');
      startInstance(run, j, null, '');
    }
  }
  for (const by of pb.introduceBy) {
    const markKey = `intro:${by.join(',')}`;
    // a member who left is taken out of the index (and put back if it returns)
    const key = run.state.leftAt === null ? (introductionKey(by, run.profile.attributes) ?? '') : '';
    const old = marks[markKey] ?? '';
    if (key === old) continue;
    if (key === '') delete marks[markKey];
    else mark(run, markKey, key);
    run.request(INTRODUCE_INDEX, { by: by.join(','), from: old, to: key }, null);
  }
}
