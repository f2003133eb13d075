import type { CompiledStepOf } from '../../compile/types.js';
import { CONTINUE, type Control } from '../../compile/types.js';
import { EVENTS } from '../../model/event.js';
import type { Run } from '../run.js';

export function execSet(step: CompiledStepOf<'set'>, run: Run): Control {
  for (const [key, expr] of step.entries) run.change({ op: 'set', key, value: run.evaluate(expr) });
  return CONTINUE;
}

export function execTag(step: CompiledStepOf<'tag'>, run: Run): Control {
  run.change({ op: 'tag', add: step.add, remove: step.remove });
  return CONTINUE;
}

export function execScore(step: CompiledStepOf<'score'>, run: Run): Control {
  run.change({ op: 'points', delta: step.points, ...(step.reason === null ? {} : { reason: step.reason }) });
  run.output = { points: run.profile.points };
  return CONTINUE;
}

/** A tier set by a step is pinned: automatic demotion leaves it alone, promotion may still raise it. */
export function execTier(step: CompiledStepOf<'tier'>, run: Run): Control {
  const from = run.profile.tier;
  run.change({ op: 'tier', tier: step.tier, pin: true });
  if (from !== step.tier) run.emit(EVENTS.tierChanged, { from, to: step.tier, by: 'step' });
  return CONTINUE;
}
