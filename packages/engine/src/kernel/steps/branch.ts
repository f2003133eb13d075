import { isTruthy } from '@kith/playbook/browser';
import type { CompiledStepOf, Control } from '../../compile/types.js';
import { unitHash } from '../../util/hash.js';
import type { Run } from '../run.js';

export function execIf(step: CompiledStepOf<'if'>, run: Run): Control {
  const holds = isTruthy(run.evaluate(step.cond));
  run.output = { branch: holds ? 'then' : 'else' };
  return holds ? step.then : step.else;
}

export function replayIf(step: CompiledStepOf<'if'>, output: unknown): Control {
  return (output as { branch?: string } | null)?.branch === 'then' ? step.then : step.else;
}

/** The variant of a member: a stable hash of (member id, step id), so it never changes on replay. */
export function pickVariant(
  step: CompiledStepOf<'split'>,
  member: string,
): CompiledStepOf<'split'>['arms'][number] {
  const arms = step.arms;
  if (step.total <= 0) return arms[0]!;
  let r = unitHash(`${member}:${step.id}`) * step.total;
  for (const arm of arms) {
    if (r < arm.weight) return arm;
    r -= arm.weight;
  }
  return arms[arms.length - 1]!;
}

export function execSplit(step: CompiledStepOf<'split'>, run: Run): Control {
  const arm = pickVariant(step, run.state.id);
  run.output = { variant: arm.variant };
  return arm.start;
}

export function replaySplit(step: CompiledStepOf<'split'>, output: unknown): Control {
  const variant = (output as { variant?: string } | null)?.variant;
  return (step.arms.find((a) => a.variant === variant) ?? step.arms[0]!).start;
}
