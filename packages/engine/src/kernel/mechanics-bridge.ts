import type { CompiledExpression } from '@kith/playbook/browser';
import type { Mechanic, MechanicContext, MechanicOutput, StepInfo } from '../mechanics/types.js';
import type { EventView, KithEvent } from '../model/event.js';
import type { Run } from './run.js';

export const MECHANIC_TOKEN_PREFIX = 'm:';

function context(run: Run, m: Mechanic): MechanicContext<unknown, unknown> {
  return {
    tenant: run.tenant,
    now: run.now,
    member: run.profile,
    state: run.state.mechanics[m.name],
    plan: run.kernel.current.plans.get(m.name),
    playbook: run.kernel.current,
    evaluate: (expr: CompiledExpression) => expr(run.scope),
  };
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
    run.out.timers.push({
      key: `${run.tenant}/${run.state.id}/${MECHANIC_TOKEN_PREFIX}${m.name}:${t.name}`,
      tenant: run.tenant,
      member: run.state.id,
      at: t.at,
      kind: 'mechanic',
      name: `${m.name}:${t.name}`,
      data: t.data ?? null,
    });
  }
  for (const r of out.requests ?? []) {
    const token = r.reply === true ? `${MECHANIC_TOKEN_PREFIX}${m.name}:${r.name ?? r.service}` : null;
    run.request(r.service, r.input, token);
  }
}

export function mechanicsOnEvent(run: Run, event: KithEvent, view: EventView): void {
  for (const m of run.kernel.mechanics) {
    if (m.onEvent === undefined || !active(run, m)) continue;
    const wants = m.events;
    if (wants !== undefined && !wants.includes(event.type) && !wants.includes('*')) continue;
    applyMechanicOutput(run, m, m.onEvent(context(run, m), event, view));
  }
}

export function mechanicsOnStep(run: Run, info: StepInfo): void {
  for (const m of run.kernel.mechanics) {
    if (m.onStep === undefined || !active(run, m)) continue;
    applyMechanicOutput(run, m, m.onStep(context(run, m), info));
  }
}

function split(name: string): [string, string] {
  const i = name.indexOf(':');
  return i < 0 ? [name, ''] : [name.slice(0, i), name.slice(i + 1)];
}

export function mechanicTimer(run: Run, name: string, data: Readonly<Record<string, unknown>> | null): void {
  const [mech, local] = split(name);
  const m = run.kernel.mechanics.find((x) => x.name === mech);
  if (m?.onTimer === undefined || !active(run, m)) return;
  applyMechanicOutput(run, m, m.onTimer(context(run, m), local, data));
}

export function mechanicReply(run: Run, token: string, output: Readonly<Record<string, unknown>>): void {
  const [mech, local] = split(token.slice(MECHANIC_TOKEN_PREFIX.length));
  const m = run.kernel.mechanics.find((x) => x.name === mech);
  if (m?.onReply === undefined || !active(run, m)) return;
  applyMechanicOutput(run, m, m.onReply(context(run, m), local, output));
}
