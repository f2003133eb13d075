import type { CompiledExpression } from '@kith/playbook/browser';
import type { CompiledPlaybook } from '../compile/types.js';
import type { Mechanic, MechanicContext, MechanicOutput, StepInfo } from '../mechanics/types.js';
import type { EventView, KithEvent } from '../model/event.js';
import type { MemberProfile } from '../model/member.js';
import { ownRecord } from '../model/member.js';
import { addTo } from './outcome.js';
import type { Run, RunScope } from './run.js';

export const MECHANIC_TOKEN_PREFIX = 'm:';

/** The scheduler key of a member's mechanic timer (`name` is `mechanic:local`). */
export function mechanicTimerKey(tenant: string, member: string, name: string): string {
  return `${tenant}/${member}/${MECHANIC_TOKEN_PREFIX}${name}`;
}

/**
 * A mechanic's view of the run, made for every call: a class, so `evaluate` is one shared method
 * rather than a closure allocated per mechanic per event (several mechanics see every message).
 */
class Context implements MechanicContext<unknown, unknown> {
  readonly tenant: string;
  readonly now: number;
  readonly member: Readonly<MemberProfile>;
  readonly left: boolean;
  readonly state: unknown;
  readonly plan: unknown;
  readonly playbook: CompiledPlaybook;
  private readonly scope: RunScope;

  constructor(run: Run, m: Mechanic) {
    const pb = run.kernel.current;
    this.tenant = run.tenant;
    this.now = run.now;
    this.member = run.profile;
    this.left = run.state.leftAt !== null;
    this.state = run.state.mechanics[m.name];
    this.plan = pb.plans.get(m.name);
    this.playbook = pb;
    this.scope = run.scope;
  }

  evaluate(expr: CompiledExpression): unknown {
    return expr(this.scope);
  }
}

function context(run: Run, m: Mechanic): MechanicContext<unknown, unknown> {
  return new Context(run, m);
}

function active(run: Run, m: Mechanic): boolean {
  return run.kernel.current.plans.has(m.name);
}

/** Carries out what a mechanic returned, through the same paths the steps use. */
export function applyMechanicOutput(run: Run, m: Mechanic, out: MechanicOutput | undefined): void {
  if (out === undefined) return;
  for (const c of out.changes ?? []) run.change(c, m.name);
  for (const e of out.effects ?? []) run.effect(e.type, e.target, e.data, e.notBefore ?? run.now);
  for (const e of out.events ?? [])
    run.emit(e.type, e.data ?? {}, e.member === undefined ? run.state.id : e.member);
  for (const t of out.timers ?? []) {
    const name = `${m.name}:${t.name}`;
    const data = t.data ?? null;
    // in the state too: the scheduler may lose it (a restart), the committed state does not
    run.state.mechanicTimers = ownRecord(run.state.mechanicTimers);
    run.state.mechanicTimers[name] = { at: t.at, data };
    addTo(run.out, 'timers', {
      key: mechanicTimerKey(run.tenant, run.state.id, name),
      tenant: run.tenant,
      member: run.state.id,
      at: t.at,
      kind: 'mechanic',
      name,
      data,
    });
  }
  for (const r of out.requests ?? []) {
    const token = r.reply === true ? `${MECHANIC_TOKEN_PREFIX}${m.name}:${r.name ?? r.service}` : null;
    run.request(r.service, r.input, token);
  }
}

/** Mechanics lists by playbook version, mechanics list and key: what a filter kept, in order. */
type MechanicsCache = WeakMap<CompiledPlaybook, Map<readonly Mechanic[], Map<string, Mechanic[]>>>;

/** The kernel's mechanics that `keep` keeps for `key` (with a plan in the playbook), computed once. */
function cachedMechanics(
  cache: MechanicsCache,
  run: Run,
  key: string,
  keep: (m: Mechanic) => boolean,
): Mechanic[] {
  const pb = run.kernel.current;
  let byList = cache.get(pb);
  if (byList === undefined) {
    byList = new Map();
    cache.set(pb, byList);
  }
  let byKey = byList.get(run.kernel.mechanics);
  if (byKey === undefined) {
    byKey = new Map();
    byList.set(run.kernel.mechanics, byKey);
  }
  let list = byKey.get(key);
  if (list === undefined) {
    list = run.kernel.mechanics.filter((m) => pb.plans.has(m.name) && keep(m));
    byKey.set(key, list);
  }
  return list;
}

/** Mechanics that handle an event type, in their order. */
const listeners: MechanicsCache = new WeakMap();

function listenersOf(run: Run, type: string): Mechanic[] {
  return cachedMechanics(
    listeners,
    run,
    type,
    (m) =>
      m.onEvent !== undefined &&
      (m.events === undefined || m.events.includes(type) || m.events.includes('*')),
  );
}

export function mechanicsOnEvent(run: Run, event: KithEvent, view: EventView): void {
  for (const m of listenersOf(run, event.type))
    applyMechanicOutput(run, m, m.onEvent!(context(run, m), event, view));
}

/** Mechanics that handle a step kind (`Mechanic.stepKinds`). */
const stepListeners: MechanicsCache = new WeakMap();

/** The mechanics `onStep` goes to after a step of this kind, in their order (often none). */
export function stepListenersOf(run: Run, kind: string): readonly Mechanic[] {
  return cachedMechanics(
    stepListeners,
    run,
    kind,
    (m) => m.onStep !== undefined && (m.stepKinds === undefined || m.stepKinds.includes(kind)),
  );
}

export function mechanicsOnStep(run: Run, listeners: readonly Mechanic[], info: StepInfo): void {
  for (const m of listeners) applyMechanicOutput(run, m, m.onStep!(context(run, m), info));
}

function split(name: string): [string, string] {
  const i = name.indexOf(':');
  return i < 0 ? [name, ''] : [name.slice(0, i), name.slice(i + 1)];
}

/**
 * A mechanic timer fired: runs `onTimer` once, if the state still holds this timer (a timer
 * replaced by a later one of the same name, or fired already, finds nothing and does nothing).
 */
export function mechanicTimer(run: Run, name: string, at: number): void {
  const armed = run.state.mechanicTimers[name];
  if (armed === undefined || armed.at !== at) return;
  delete run.state.mechanicTimers[name];
  const data = armed.data;
  const [mech, local] = split(name);
  const m = run.kernel.mechanics.find((x) => x.name === mech);
  if (m?.onTimer === undefined || !active(run, m)) return;
  applyMechanicOutput(run, m, m.onTimer(context(run, m), local, data));
}

/** Whether every mechanic lets the member reach a stage (a covenant not yet accepted may not). */
export function mechanicsAllowStage(run: Run, stage: string, index: number): boolean {
  for (const m of run.kernel.mechanics) {
    if (m.mayReachStage === undefined || !active(run, m)) continue;
    if (!m.mayReachStage(context(run, m), stage, index)) return false;
  }
  return true;
}

export function mechanicReply(run: Run, token: string, output: Readonly<Record<string, unknown>>): void {
  const [mech, local] = split(token.slice(MECHANIC_TOKEN_PREFIX.length));
  const m = run.kernel.mechanics.find((x) => x.name === mech);
  if (m?.onReply === undefined || !active(run, m)) return;
  applyMechanicOutput(run, m, m.onReply(context(run, m), local, output));
}
