import { isTruthy } from '@kith/playbook/browser';
import type { CompiledStepOf } from '../../compile/types.js';
import { CONTINUE, type Control, PARK } from '../../compile/types.js';
import type { EventView } from '../../model/event.js';
import { nextLocalTime } from '../../time/zone.js';
import { addTo } from '../outcome.js';
import type { Run } from '../run.js';

export interface WaitOutput {
  resumedBy: 'timer' | 'event';
  timedOut: boolean;
  event: string | null;
}

export function waitToken(instanceId: string, stepId: string): string {
  // flat, as `instanceId`: a waiting run keeps its token
  return [instanceId, '@', stepId].join('');
}

export function timerKey(tenant: string, token: string): string {
  return `${tenant}/${token}`;
}

/** Whether `key` is `timerKey(tenant, token)`, without building it. */
export function isTimerKey(key: string, tenant: string, token: string): boolean {
  return (
    key.length === tenant.length + 1 + token.length &&
    key.charCodeAt(tenant.length) === 47 /* / */ &&
    key.startsWith(tenant) &&
    key.endsWith(token)
  );
}

function deadline(step: CompiledStepOf<'wait'>, run: Run, since: number): number {
  switch (step.mode) {
    case 'for':
      return since + step.ms;
    case 'time':
      return nextLocalTime(step.zone ?? run.zone(), since, step.minute);
    case 'date':
      return step.at;
    case 'event':
      return since + step.timeoutMs;
  }
}

/** Whether an event ends this wait: its type and the step's filter, with the event in scope. */
export function matchesWait(step: CompiledStepOf<'wait'>, run: Run, event: EventView): boolean {
  if (step.mode !== 'event' || event.type !== step.event) return false;
  if (step.filter === null) return true;
  const saved = run.scope.event;
  run.scope.event = event;
  const ok = isTruthy(step.filter(run.scope));
  run.scope.event = saved;
  return ok;
}

/** Takes an inbox item that arrived for this wait before it was saved (the resume race). */
function takeEarly(step: CompiledStepOf<'wait'>, run: Run, token: string, since: number): EventView | null {
  const inbox = run.state.inbox;
  for (let i = 0; i < inbox.length; i++) {
    const item = inbox[i]!;
    const hit =
      item.token === token ||
      (item.token === null &&
        item.at >= since &&
        step.mode === 'event' &&
        matchesWait(step, run, item.event));
    if (hit) {
      inbox.splice(i, 1);
      return item.event;
    }
  }
  return null;
}

const BY_TIMER: WaitOutput = Object.freeze({ resumedBy: 'timer', timedOut: false, event: null });
const TIMED_OUT: WaitOutput = Object.freeze({ resumedBy: 'timer', timedOut: true, event: null });

function resumed(run: Run, by: WaitOutput['resumedBy'], timedOut: boolean, event: EventView | null): void {
  if (event === null) run.output = timedOut ? TIMED_OUT : BY_TIMER;
  else run.output = { resumedBy: by, timedOut, event: String(event.type) } satisfies WaitOutput;
}

/**
 * A wait parks the instance under a token unique to (instance, step) and sets a timer with the
 * same key. It runs again when woken: by its timer (done, or timed out → `onTimeout`), or by
 * the awaited event. A run that was migrated keeps the time its wait began.
 */
export function execWait(step: CompiledStepOf<'wait'>, run: Run): Control {
  const inst = run.instance!;
  const wait = inst.wait;
  if (wait !== null && wait.step === step.id) {
    const wake = run.wake;
    if (wake === null || wake.kind === 'reply') return PARK;
    inst.wait = null;
    inst.status = 'active';
    if (wake.kind === 'event') {
      if (wait.until !== null) addTo(run.out, 'cancels', timerKey(run.tenant, wait.token));
      inst.event = wake.event;
      run.scope.event = wake.event;
      resumed(run, 'event', false, wake.event);
      return CONTINUE;
    }
    if (step.mode === 'event') {
      resumed(run, 'timer', true, null);
      return step.onTimeout;
    }
    resumed(run, 'timer', false, null);
    return CONTINUE;
  }

  const since = run.carriedSince ?? run.now;
  run.carriedSince = null;
  const token = waitToken(inst.id, step.id);
  const early = takeEarly(step, run, token, since);
  if (early !== null) {
    inst.event = early;
    run.scope.event = early;
    resumed(run, 'event', false, early);
    return CONTINUE;
  }
  const until = deadline(step, run, since);
  if (until <= run.now) {
    resumed(run, 'timer', step.mode === 'event', null);
    return step.mode === 'event' ? step.onTimeout : CONTINUE;
  }
  inst.wait = { step: step.id, token, since, until, event: step.mode === 'event' ? step.event : null };
  inst.status = 'waiting';
  addTo(run.out, 'timers', {
    key: timerKey(run.tenant, token),
    tenant: run.tenant,
    member: run.state.id,
    at: until,
    kind: 'wait',
    name: token,
    data: null,
  });
  return PARK;
}

export function replayWait(step: CompiledStepOf<'wait'>, output: unknown): Control {
  const o = output as Partial<WaitOutput> | null;
  return step.mode === 'event' && o?.timedOut === true ? step.onTimeout : CONTINUE;
}
