import { isTruthy } from '@kith/playbook/browser';
import type { EventView, KithEvent } from '../model/event.js';
import type { JourneyInstance } from '../model/instance.js';
import { type MemberState, ownList } from '../model/member.js';
import type { Kernel } from './context.js';
import { keepUnmatched } from './inbox.js';
import { evaluateTier, initMember, reviewKeeps, reviewStage } from './ladder.js';
import { startInstance } from './lifecycle.js';
import { MECHANIC_TOKEN_PREFIX, mechanicReply, mechanicTimer } from './mechanics-bridge.js';
import { migrateMember } from './migrate.js';
import { handleEvent } from './on-event.js';
import type { Outcome, Timer } from './outcome.js';
import { reevaluate } from './reevaluate.js';
import { Run } from './run.js';
import { runInstance } from './step-loop.js';
import { reconcileTimers } from './timers.js';

/** What can happen to a member. */
export type Input =
  | { kind: 'event'; event: KithEvent }
  /** A due timer of this member (a wait's deadline, a mechanic's reminder). */
  | { kind: 'timer'; timer: Timer }
  /** A service's answer to a request. */
  | { kind: 'reply'; token: string; output: Readonly<Record<string, unknown>> }
  /** An outside resume addressed to one wait by its token (kept if the wait is not there yet). */
  | { kind: 'resume'; id: string; token: string; data: Readonly<Record<string, unknown>> }
  /** A scheduled journey's occurrence for this member. */
  | { kind: 'start'; journey: string; key: string }
  /** The periodic stage (and tier) review. */
  | { kind: 'review'; id: string }
  /** The current version was published: apply its migrate map. */
  | { kind: 'migrate' };

function sourceOf(input: Input): string {
  switch (input.kind) {
    case 'event':
      return input.event.id;
    case 'timer':
      return `t:${input.timer.name}@${input.timer.at}`;
    case 'reply':
      return `r:${input.token}`;
    case 'resume':
      return `x:${input.id}`;
    case 'start':
      return `s:${input.journey}@${input.key}`;
    case 'review':
      return `v:${input.id}`;
    case 'migrate':
      return 'migrate';
  }
}

function findWaiting(state: MemberState, token: string): JourneyInstance | undefined {
  for (const i of state.instances) if (i.wait !== null && i.wait.token === token) return i;
  return undefined;
}

/** Runs everything runnable until nothing changes: the member-level fixpoint of one input. */
function settle(run: Run): void {
  const max = run.kernel.options.maxStepsPerInput;
  for (let guard = 0; guard < max && run.steps < max; guard++) {
    if (run.dirty) {
      run.dirty = false;
      reevaluate(run);
      continue;
    }
    const e = run.queue.shift();
    if (e !== undefined) {
      handleEvent(run, e);
      continue;
    }
    const inst = run.state.instances.find((i) => i.status === 'active');
    if (inst !== undefined) {
      runInstance(run, inst, null);
      continue;
    }
    return;
  }
}

/**
 * Whether the periodic review (`{ kind: 'review' }`) would change nothing for this member: no
 * stage left, no tier changed, nothing else for `advance` to do (no run to go on with, no inbox to
 * prune), so an empty outcome and the state as it was. Most members at most reviews: the runtime
 * skips their input instead of running and committing it.
 */
export function reviewIsIdle(kernel: Kernel, state: MemberState, now: number): boolean {
  const pb = kernel.current;
  const p = state.profile;
  // what `initMember` would do, and what `settle` and `keepUnmatched` would find
  if ((p.stage === null && pb.stages.length > 0) || (p.tier === '' && pb.tiers.length > 0)) return false;
  if (state.inbox.length > 0) return false;
  for (const i of state.instances) if (i.status === 'active') return false;
  return reviewKeeps(new Run(kernel, state, now));
}

/**
 * The engine's pure core: one input for one member → the member's new state (updated in place:
 * the caller owns `state` and must not share it while this runs) and an Outcome (effects, timers,
 * emitted events, service requests, finished runs). No I/O, no clock, no randomness: the same
 * state, input and `now` always give the same result.
 *
 * @example
 * const out = advance(kernel, state, { kind: 'event', event }, clock.now());
 */
export function advance(kernel: Kernel, state: MemberState, input: Input, now: number): Outcome {
  // taken, not shared: should anything call advance from inside advance, it gets a run of its own
  let run = spare;
  spare = null;
  if (run === null) run = new Run(kernel, state, now);
  else run.reset(kernel, state, now);
  const out = advanceRun(run, state, input, now);
  spare = run;
  return out;
}

/** A run to reuse: `advance` runs once per input, and one input at a time. */
let spare: Run | null = null;

function advanceRun(run: Run, state: MemberState, input: Input, now: number): Outcome {
  const kernel = run.kernel;
  run.source = sourceOf(input);
  if (state.profile.stage === null || state.profile.tier === '') initMember(run);
  switch (input.kind) {
    case 'event':
      handleEvent(run, input.event);
      break;
    case 'timer': {
      const t = input.timer;
      if (t.kind === 'mechanic') {
        mechanicTimer(run, t.name, t.at);
        break;
      }
      const inst = findWaiting(state, t.name);
      if (
        inst !== undefined &&
        inst.status === 'waiting' &&
        (inst.wait?.until ?? Number.POSITIVE_INFINITY) <= t.at
      ) {
        runInstance(run, inst, { kind: 'timer' });
      }
      break;
    }
    case 'reply': {
      // a run's token begins with its member's id, which may itself look like the mechanic
      // prefix (member 'm' → 'm:join:1@g'): a run waiting on the token comes first
      const inst = findWaiting(state, input.token);
      if (inst !== undefined) {
        if (inst.status === 'calling') runInstance(run, inst, { kind: 'reply', output: input.output });
      } else if (input.token.startsWith(MECHANIC_TOKEN_PREFIX)) {
        mechanicReply(run, input.token, input.output);
      }
      break;
    }
    case 'resume': {
      const view: EventView = { ...input.data, type: 'resume', id: input.id, at: now };
      const inst = findWaiting(state, input.token);
      if (inst !== undefined && inst.status === 'waiting')
        runInstance(run, inst, { kind: 'event', event: view });
      else {
        state.inbox = ownList(state.inbox);
        state.inbox.push({ token: input.token, type: 'resume', at: now, event: view });
      }
      break;
    }
    case 'start': {
      const j = kernel.current.journeys.get(input.journey);
      if (j === undefined || state.leftAt !== null) break;
      run.scope.event = null;
      const seg = j.trigger.kind === 'schedule' ? j.trigger.segment : null;
      if (seg === null || isTruthy(seg(run.scope))) startInstance(run, j, null, input.key);
      break;
    }
    case 'review':
      reviewStage(run);
      evaluateTier(run);
      break;
    case 'migrate':
      migrateMember(run);
      break;
  }
  settle(run);
  if (run.unmatched.length > 0 || state.inbox.length > 0) keepUnmatched(run);
  if (run.out.timers.length > 0 || run.out.cancels.length > 0) reconcileTimers(run.tenant, state, run.out);
  return run.out;
}
