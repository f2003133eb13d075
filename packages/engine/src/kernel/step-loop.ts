import { isTruthy } from '@kith/playbook/browser';
import { CONTINUE, type CompiledJourney, PARK, STOP } from '../compile/types.js';
import type { Mechanic } from '../mechanics/types.js';
import type { JourneyInstance, StepRecord } from '../model/instance.js';
import { appended } from '../model/member.js';
import { finishInstance, trace } from './lifecycle.js';
import { mechanicsOnStep, stepListenersOf } from './mechanics-bridge.js';
import type { Run, Wake } from './run.js';
import { execStep, replayStep } from './steps/dispatch.js';

const NO_MECHANICS: readonly Mechanic[] = [];

function logged(log: readonly StepRecord[], step: string): StepRecord | undefined {
  for (let i = log.length - 1; i >= 0; i--) if (log[i]!.step === step) return log[i];
  return undefined;
}

/** Exit rules with a condition apply at every step: checked before each one runs. */
export function exitByCondition(run: Run, inst: JourneyInstance, journey: CompiledJourney): boolean {
  for (const rule of journey.exitWhen) {
    if (rule.when !== null && isTruthy(rule.when(run.scope))) {
      finishInstance(run, inst, rule.goal === null ? 'exited' : 'completed', rule.goal, 'exit-rule');
      return true;
    }
  }
  return false;
}

/**
 * Advances one journey instance until it parks (a wait or a service call) or ends. A step found
 * in the step log is not run again: its recorded output decides where to go, which is what makes
 * a resumed or replayed instance skip what already ran.
 */
export function runInstance(run: Run, inst: JourneyInstance, wake: Wake | null): void {
  const pb = run.kernel.version(inst.version) ?? run.kernel.current;
  const journey = pb.journeys.get(inst.journey);
  if (journey === undefined) {
    finishInstance(run, inst, 'exited', null, 'journey-removed');
    return;
  }
  run.enter(inst, pb, journey);
  run.wake = wake;
  const steps = journey.steps;
  const maxSteps = run.kernel.options.maxStepsPerInput;
  try {
    for (;;) {
      if (run.steps++ >= maxSteps) break;
      const pc = inst.pc;
      if (pc < 0 || pc >= steps.length) {
        finishInstance(run, inst, 'completed', null, 'end');
        return;
      }
      if (journey.exitWhen.length > 0 && exitByCondition(run, inst, journey)) return;
      const step = steps[pc]!;
      run.step = step;
      const parkedHere = inst.wait !== null && inst.wait.step === step.id;
      const done = parkedHere ? undefined : logged(inst.log, step.id);
      let control: number;
      if (done !== undefined) {
        control = replayStep(step, done.output);
      } else {
        run.slot = 0;
        run.woken = parkedHere;
        run.output = null;
        control = execStep(step, run);
        run.wake = null;
        if (control === PARK) {
          inst.updatedAt = run.now;
          trace(run, 'parked', inst, step.id, null);
          return;
        }
        if (control === STOP) return;
        // at its exact size: a run waiting for days keeps its log, and a pushed-to list keeps 17 slots
        inst.log = appended(inst.log, { step: step.id, at: run.now, output: run.output });
        trace(run, 'step', inst, step.id, run.output);
        const listeners = run.kernel.mechanics.length > 0 ? stepListenersOf(run, step.kind) : NO_MECHANICS;
        if (listeners.length > 0) {
          mechanicsOnStep(run, listeners, {
            journey: journey.id,
            instance: inst,
            step: { id: step.id, kind: step.kind },
            output: run.output,
          });
        }
      }
      inst.pc = control === CONTINUE ? step.next : control;
      inst.updatedAt = run.now;
    }
  } finally {
    run.wake = null;
    run.carriedSince = null;
    run.leave();
  }
}
