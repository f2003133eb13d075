import { isTruthy } from '@kith/playbook/browser';
import { type EventView, eventView, type KithEvent } from '../model/event.js';
import { isLive, type JourneyInstance } from '../model/instance.js';
import { applyBuiltins } from './builtins.js';
import { finishInstance, startInstance } from './lifecycle.js';
import { mechanicsOnEvent } from './mechanics-bridge.js';
import type { Run } from './run.js';
import { runInstance } from './step-loop.js';
import { matchesWait } from './steps/wait.js';

/**
 * An event for the member, in this order: the engine's own bookkeeping, mechanics, exit rules and
 * waits of the runs in progress (each on its pinned version), then the triggers of the current
 * version. An event of a waited-for type that no wait took is kept for the inbox.
 */
export function handleEvent(run: Run, event: KithEvent): void {
  const view = eventView(event);
  run.scope.event = view;
  applyBuiltins(run, event);
  if (run.kernel.mechanics.length > 0) mechanicsOnEvent(run, event, view);
  const type = event.type;
  let matched = false;
  if (run.state.instances.length > 0) {
    for (const inst of run.state.instances.slice()) {
      if (!isLive(inst)) continue;
      const pb = run.kernel.version(inst.version) ?? run.kernel.current;
      const journey = pb.journeys.get(inst.journey);
      if (journey === undefined) continue;
      const rules = journey.exitOnEvent.get(type);
      if (rules !== undefined && exitOnEvent(run, inst, rules, view)) continue;
      if (inst.status !== 'waiting' || inst.wait?.event !== type) continue;
      const step = journey.steps[inst.pc];
      if (step?.kind !== 'wait') continue;
      run.enter(inst, pb, journey);
      const ok = matchesWait(step, run, view);
      run.leave();
      if (ok) {
        matched = true;
        runInstance(run, inst, { kind: 'event', event: view });
      }
    }
  }
  if (!matched && run.kernel.options.inboxSize > 0 && run.kernel.current.waitEvents.has(type))
    run.unmatched.push(view);
  run.scope.event = view;
  for (const ref of run.kernel.current.triggers.byEvent.get(type) ?? []) {
    run.scope.event = view;
    if (ref.filter === null || isTruthy(ref.filter(run.scope))) startInstance(run, ref.journey, view, '');
  }
}

function exitOnEvent(
  run: Run,
  inst: JourneyInstance,
  rules: readonly { filter: ((s: Record<string, unknown>) => unknown) | null; goal: string | null }[],
  view: EventView,
): boolean {
  run.scope.event = view;
  for (const rule of rules) {
    if (rule.filter === null || isTruthy(rule.filter(run.scope))) {
      finishInstance(
        run,
        inst,
        rule.goal === null ? 'exited' : 'completed',
        rule.goal,
        `event:${String(view.type)}`,
      );
      return true;
    }
  }
  return false;
}
