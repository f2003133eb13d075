import type { CompiledStepOf } from '../../compile/types.js';
import { type Control, STOP } from '../../compile/types.js';
import { finishInstance } from '../lifecycle.js';
import type { Run } from '../run.js';

export function execGoal(step: CompiledStepOf<'goal'>, run: Run): Control {
  finishInstance(run, run.instance!, 'completed', step.goal, `goal:${step.goal}`);
  return STOP;
}

export function execExit(step: CompiledStepOf<'exit'>, run: Run): Control {
  finishInstance(run, run.instance!, 'exited', null, step.reason);
  return STOP;
}
