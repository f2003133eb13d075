import { isTruthy } from '@kith/playbook';
import { type EventView, eventView, type KithEvent } from '../model/event.js';
import { isLive, type JourneyInstance } from '../model/instance.js';
import type { MemberState } from '../model/member.js';
import { applyBuiltins } from './builtins.js';
import type { Kernel } from './context.js';
import { evaluateTier, initMember, promoteStage, reviewStage } from './ladder.js';
import { finishInstance, startInstance } from './lifecycle.js';
import { MECHANIC_TOKEN_PREFIX, mechanicReply, mechanicsOnEvent, mechanicTimer } from './mechanics-bridge.js';
import { migrateMember } from './migrate.js';
import type { Outcome, Timer } from './outcome.js';
import { Run } from './run.js';
import { exitByCondition, runInstance } from './step-loop.js';
import { INTRODUCE_INDEX, introductionKey } from './steps/introduce.js';
import { matchesWait, timerKey } from './steps/wait.js';

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

function handleEvent(run: Run, event: KithEvent): void {
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
  if (!matched && run.kernel.current.waitEvents.has(type)) run.unmatched.push(view);
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
      finishInstance(run, inst, rule.goal === null ? 'exited' : 'completed', rule.goal, `event:${String(view.type)}`);
      return true;
    }
  }
  return false;
}

/** After the member changed: tiers, stages, exit conditions, segment and threshold triggers. */
function reevaluate(run: Run): void {
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
      marks[key] = '1';
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
      marks[key] = '1';
      startInstance(run, j, null, '');
    }
  }
  for (const by of pb.introduceBy) {
    const mark = `intro:${by.join(',')}`;
    const key = introductionKey(by, run.profile.attributes) ?? '';
    const old = marks[mark] ?? '';
    if (key === old) continue;
    if (key === '') delete marks[mark];
    else marks[mark] = key;
    run.request(INTRODUCE_INDEX, { by: by.join(','), from: old, to: key }, null);
  }
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

function keepUnmatched(run: Run): void {
  const inbox = run.state.inbox;
  const ttl = run.kernel.current.inboxTtlMs;
  for (let i = inbox.length - 1; i >= 0; i--) if (inbox[i]!.at < run.now - ttl) inbox.splice(i, 1);
  for (const view of run.unmatched) {
    inbox.push({ token: null, type: String(view.type), at: typeof view.at === 'number' ? view.at : run.now, event: view });
  }
  const size = run.kernel.options.inboxSize;
  if (inbox.length > size) inbox.splice(0, inbox.length - size);
}

/**
 * Keeps only the timers the final state still needs: a wait set and ended within the same input
 * needs no timer, and a key cancelled and set again (a migrated wait) is a replacement.
 */
export function reconcileTimers(tenant: string, state: MemberState, out: Outcome): void {
  const live = new Map<string, number>();
  for (const inst of state.instances) {
    if (inst.wait !== null && inst.wait.until !== null) live.set(timerKey(tenant, inst.wait.token), inst.wait.until);
  }
  const last = new Map<string, Timer>();
  for (const t of out.timers) if (t.kind !== 'wait' || live.get(t.key) === t.at) last.set(t.key, t);
  out.timers = [...last.values()];
  out.cancels = out.cancels.filter((k) => !last.has(k) && !live.has(k));
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
  const run = new Run(kernel, state, now);
  run.source = sourceOf(input);
  if (state.profile.stage === null || state.profile.tier === '') initMember(run);
  switch (input.kind) {
    case 'event':
      handleEvent(run, input.event);
      break;
    case 'timer': {
      const t = input.timer;
      if (t.kind === 'mechanic') {
        mechanicTimer(run, t.name, t.data);
        break;
      }
      const inst = findWaiting(state, t.name);
      if (inst !== undefined && inst.status === 'waiting' && (inst.wait?.until ?? Number.POSITIVE_INFINITY) <= t.at) {
        runInstance(run, inst, { kind: 'timer' });
      }
      break;
    }
    case 'reply': {
      if (input.token.startsWith(MECHANIC_TOKEN_PREFIX)) {
        mechanicReply(run, input.token, input.output);
        break;
      }
      const inst = findWaiting(state, input.token);
      if (inst !== undefined && inst.status === 'calling') runInstance(run, inst, { kind: 'reply', output: input.output });
      break;
    }
    case 'resume': {
      const view: EventView = { ...input.data, type: 'resume', id: input.id, at: now };
      const inst = findWaiting(state, input.token);
      if (inst !== undefined && inst.status === 'waiting') runInstance(run, inst, { kind: 'event', event: view });
      else state.inbox.push({ token: input.token, type: 'resume', at: now, event: view });
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
