import type { Journey, Step } from '@kith/playbook/browser';
import type { Problems } from './problems.js';
import { compileSteps } from './steps.js';
import type {
  CompiledExitRule,
  CompiledJourney,
  CompiledReentry,
  CompiledStep,
  CompiledTrigger,
} from './types.js';

export interface JourneyContext {
  problems: Problems;
  stage: string;
  timezone: string;
  defaultChannel: string;
  offers: ReadonlyMap<string, { payment: string }>;
  tiers: ReadonlySet<string>;
}

function compileTrigger(on: Journey['on'], c: JourneyContext, where: string): CompiledTrigger {
  const p = c.problems;
  if (typeof on === 'string') return { kind: 'event', event: on, filter: null };
  if ('event' in on)
    return { kind: 'event', event: on.event, filter: p.expr(on.filter, `${where}.on.filter`) };
  if ('schedule' in on) {
    return {
      kind: 'schedule',
      cron: on.schedule,
      zone: on.timezone ?? c.timezone,
      segment: p.expr(on.segment, `${where}.on.segment`),
    };
  }
  if ('stage' in on) return { kind: 'stage', stage: on.stage };
  if ('segment' in on) return { kind: 'segment', segment: p.expr(on.segment, `${where}.on.segment`)! };
  return {
    kind: 'threshold',
    value: p.expr(on.threshold.value, `${where}.on.threshold.value`)!,
    atLeast: p.int(on.threshold.atLeast, `${where}.on.threshold.atLeast`),
  };
}

function compileReentry(r: Journey['reentry'], c: JourneyContext, where: string): CompiledReentry {
  if (r === undefined || r === 'once') return { kind: 'once' };
  if (r === 'always') return { kind: 'always' };
  if (r === 'after-exit') return { kind: 'after-exit' };
  return { kind: 'after', ms: c.problems.duration(r.after, `${where}.reentry`) };
}

function firstChannel(steps: readonly Step[]): string | undefined {
  for (const s of steps) {
    const via = s.send?.via ?? (typeof s.offer === 'object' ? s.offer.via : undefined) ?? s.introduce?.via;
    if (via !== undefined) return via;
    const nested = [s.then, s.else, s.onTimeout, ...(s.split ?? []).map((a) => a.steps)];
    for (const list of nested) {
      const v = list === undefined ? undefined : firstChannel(list);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

export function compileJourney(j: Journey, c: JourneyContext): CompiledJourney {
  const where = j.journey;
  const p = c.problems;
  const exitOnEvent = new Map<string, CompiledExitRule[]>();
  const exitWhen: CompiledExitRule[] = [];
  (j.exit ?? []).forEach((rule, i) => {
    const compiled: CompiledExitRule = {
      event: rule.event ?? null,
      filter: p.expr(rule.filter, `${where}.exit[${i}].filter`),
      when: p.expr(rule.when, `${where}.exit[${i}].when`),
      goal: rule.goal ?? null,
    };
    if (compiled.event !== null) {
      // an event rule with a `when` needs both: fold the condition into the filter
      if (compiled.when !== null) {
        const f = compiled.filter;
        const w = compiled.when;
        compiled.filter = (s) => (f === null || Boolean(f(s))) && Boolean(w(s));
      }
      const list = exitOnEvent.get(compiled.event) ?? [];
      list.push(compiled);
      exitOnEvent.set(compiled.event, list);
    } else if (compiled.when !== null) {
      exitWhen.push(compiled);
    } else {
      p.add(`${where}.exit[${i}]`, 'an exit rule needs `event` or `when`');
    }
  });
  const channel = firstChannel(j.steps) ?? c.defaultChannel;
  const steps: CompiledStep[] = [];
  compileSteps(j.steps, {
    problems: p,
    journey: j.journey,
    channel,
    offers: c.offers,
    tiers: c.tiers,
    steps,
    blocks: new Map(),
  });
  return {
    id: j.journey,
    stage: c.stage,
    enabled: j.enabled !== false,
    trigger: compileTrigger(j.on, c, where),
    entryKey: p.expr(j.entryKey, `${where}.entryKey`),
    reentry: compileReentry(j.reentry, c, where),
    exitOnEvent,
    exitWhen,
    steps,
    positions: new Map(steps.map((s) => [s.id, s.pos])),
    channel,
  };
}
