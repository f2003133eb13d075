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
  const live = run.state.instances;
  // a copy, as handling one run may start or end others; most members have one run going
  if (live.length === 1) matched = eventForRun(run, live[0]!, type, view);
  else if (live.length > 1)
    for (const inst of live.slice()) if (eventForRun(run, inst, type, view)) matched = true;
  if (!matched && run.kernel.options.inboxSize > 0 && run.kernel.current.waitEvents.has(type))
    run.unmatched.push(view);
  run.scope.event = view;
  const refs = run.kernel.current.triggers.byEvent.get(type);
  if (refs === undefined) return;
  for (const ref of refs) {
    run.scope.event = view;
    if (ref.filter === null || isTruthy(ref.filter(run.scope))) startInstance(run, ref.journey, view, '');
  }
}

/** The event for one run in progress: its exit rules, then its wait; whether the wait took it. */
function eventForRun(run: Run, inst: JourneyInstance, type: string, view: EventView): boolean {
  if (!isLive(inst)) return false;
  const pb = run.kernel.version(inst.version) ?? run.kernel.current;
  const journey = pb.journeys.get(inst.journey);
  if (journey === undefined) return false;
  const rules = journey.exitOnEvent.get(type);
  if (rules !== undefined && exitOnEvent(run, inst, rules, view)) return false;
  if (inst.status !== 'waiting' || inst.wait?.event !== type) return false;
  const step = journey.steps[inst.pc];
  if (step?.kind !== 'wait') return false;
  run.enter(inst, pb, journey);
  const ok = matchesWait(step, run, view);
  run.leave();
  if (!ok) return false;
  runInstance(run, inst, { kind: 'event', event: view });
  return true;
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
