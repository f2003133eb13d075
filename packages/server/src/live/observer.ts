import type { Outcome, RuntimeOptions } from '@kith/engine';
import type { Activity, ActivityBus } from '../contract.js';

type Observer = NonNullable<RuntimeOptions['observer']>;

function listened(bus: ActivityBus, tenant: string): boolean {
  const has = (bus as Partial<{ has(tenant: string): boolean }>).has;
  return typeof has === 'function' ? has.call(bus, tenant) : true;
}

/** What one committed outcome looks like as live activity lines. */
export function outcomeActivity(tenant: string, member: string, out: Outcome, now: number): Activity[] {
  const lines: Activity[] = [];
  for (const t of out.trace) {
    lines.push({
      tenant,
      at: t.at,
      kind: 'step',
      member,
      journey: t.journey,
      ...(t.step === null ? {} : { step: t.step }),
      detail: t.kind,
    });
  }
  for (const e of out.events) {
    if (e.type === 'stage.reached') {
      const stage = e.data.stage;
      lines.push({
        tenant,
        at: e.at,
        kind: 'stage',
        member,
        type: e.type,
        ...(typeof stage === 'string' ? { detail: stage } : {}),
      });
    } else {
      lines.push({ tenant, at: e.at, kind: 'event', member, type: e.type, detail: 'emitted' });
    }
  }
  for (const e of out.effects) {
    lines.push({
      tenant,
      at: Math.max(now, e.notBefore),
      kind: 'effect',
      member: e.member ?? member,
      ...(e.instance === null ? {} : { journey: journeyOf(e.instance, member) }),
      ...(e.step === null ? {} : { step: e.step }),
      type: e.type,
      detail: e.target,
    });
  }
  return lines;
}

/** `member:journey:n` or `member:journey[key]:n` → the journey. */
function journeyOf(instance: string, member: string): string {
  const rest = instance.startsWith(`${member}:`) ? instance.slice(member.length + 1) : instance;
  const end = rest.search(/[[:]/);
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * The Runtime's `observer` for the live view: every committed outcome becomes activity lines
 * (journeys entered, steps run, stages reached, effects queued) on the bus. Steps show only when
 * the Runtime records traces (`kernel: { trace: true }`). Never throws: the Runtime calls it
 * after the commit, and a failure here must not look like a failed event.
 *
 * @example
 * const bus = createActivityBus();
 * const runtime = new Runtime({ ...ports, kernel: { trace: true }, observer: activityObserver(bus) });
 */
export function activityObserver(bus: ActivityBus, now: () => number = Date.now): Observer {
  return (tenant, member, out) => {
    try {
      if (!listened(bus, tenant)) return;
      for (const a of outcomeActivity(tenant, member, out, now())) bus.publish(a);
    } catch {
      // see above: observing must never fail the commit it reports
    }
  };
}
