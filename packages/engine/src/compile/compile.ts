import type { ResolvedPlaybook, Step } from '@kith/playbook/browser';
import type { Mechanic } from '../mechanics/types.js';
import { isKnownZone } from '../time/zone.js';
import { compileDelivery, compileOffers, compilePools, compileStages, compileTiers } from './community.js';
import { compileJourney } from './journey.js';
import { Problems } from './problems.js';
import type { CompiledJourney, CompiledPlaybook, JourneyRef } from './types.js';

export interface CompileOptions {
  /** The version id this compilation is published as; runs started on it stay on it. */
  version: string;
  /** Template parameter values in force (from validation); defaults fill the rest. */
  params?: Readonly<Record<string, unknown>>;
  mechanics?: readonly Mechanic[];
  /**
   * The exact plugin versions this version runs with, by channel/payment instance id (resolved
   * from each `use:` range by the host when publishing); every run started on it records them.
   */
  plugins?: Readonly<Record<string, string>>;
}

function paramValues(
  pb: ResolvedPlaybook,
  given: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(pb.params ?? {}))
    if (spec.default !== undefined) out[name] = spec.default;
  return Object.assign(out, given ?? {});
}

function collectIntroduceBy(steps: readonly Step[], out: Map<string, string[]>): void {
  for (const s of steps) {
    if (s.introduce !== undefined) out.set(s.introduce.by.join(','), s.introduce.by);
    for (const list of [s.then, s.else, s.onTimeout, ...(s.split ?? []).map((a) => a.steps)]) {
      if (list !== undefined) collectIntroduceBy(list, out);
    }
  }
}

/**
 * Compiles a resolved (validated) playbook once into what the engine runs: expressions become
 * closures, templates are parsed, each journey's steps become a flat graph with stable positions,
 * and triggers are indexed by kind and event type. Throws PlaybookCompileError listing every
 * problem the validator should have caught.
 *
 * @example
 * const compiled = compilePlaybook(result.playbook, { version: '3', params: result.params });
 */
export function compilePlaybook(pb: ResolvedPlaybook, options: CompileOptions): CompiledPlaybook {
  const p = new Problems();
  const timezone = pb.timezone ?? 'UTC';
  if (!isKnownZone(timezone)) p.add('timezone', `unknown time zone '${timezone}'`);
  const mechanics = options.mechanics ?? [];
  const params = paramValues(pb, options.params);
  const plans = new Map<string, unknown>();
  const stepOverrides = new Map<string, string>();
  for (const m of mechanics) {
    const plan = m.compile === undefined ? null : m.compile(pb, params);
    if (plan === undefined) continue;
    plans.set(m.name, plan);
    for (const kind of Object.keys(m.steps ?? {})) stepOverrides.set(kind, m.name);
  }
  const tiers = compileTiers(pb, p);
  const stages = compileStages(pb, p);
  const offers = compileOffers(pb, p);
  const pools = compilePools(pb, p);
  const defaultChannel = Object.keys(pb.channels ?? {})[0] ?? '';

  const journeys = new Map<string, CompiledJourney>();
  const byEvent = new Map<string, JourneyRef[]>();
  const byStage = new Map<string, CompiledJourney[]>();
  const segments: CompiledJourney[] = [];
  const thresholds: CompiledJourney[] = [];
  const schedules: CompiledJourney[] = [];
  const waitEvents = new Set<string>();
  const introduceBy = new Map<string, string[]>();

  for (const [stageId, stage] of Object.entries(pb.stages)) {
    for (const j of stage.journeys ?? []) {
      if (journeys.has(j.journey)) p.add(j.journey, 'duplicate journey id');
      const cj = compileJourney(j, {
        problems: p,
        stage: stageId,
        timezone,
        defaultChannel,
        offers,
        tiers: new Set(tiers.map((t) => t.id)),
      });
      journeys.set(cj.id, cj);
      collectIntroduceBy(j.steps, introduceBy);
      for (const s of cj.steps) {
        if (s.kind === 'wait' && s.mode === 'event') {
          waitEvents.add(s.event);
        }
      }
      const t = cj.trigger;
      if (t.kind === 'event') {
        const list = byEvent.get(t.event) ?? [];
        list.push({ journey: cj, filter: t.filter });
        byEvent.set(t.event, list);
      } else if (t.kind === 'stage') {
        if (!(t.stage in pb.stages)) p.add(`${cj.id}.on.stage`, `unknown stage '${t.stage}'`);
        const list = byStage.get(t.stage) ?? [];
        list.push(cj);
        byStage.set(t.stage, list);
      } else if (t.kind === 'segment') segments.push(cj);
      else if (t.kind === 'threshold') thresholds.push(cj);
      else schedules.push(cj);
    }
  }
  const delivery = compileDelivery(pb, p);
  const stageReviewMs = pb.stageReview === undefined ? null : p.duration(pb.stageReview, 'stageReview');
  p.throwIfAny();
  return {
    id: pb.id,
    version: options.version,
    plugins: Object.freeze({ ...(options.plugins ?? {}) }),
    source: pb,
    name: pb.name,
    timezone,
    params,
    stages,
    stageIndex: new Map(stages.map((s) => [s.id, s.index])),
    tiers,
    tierIndex: new Map(tiers.map((t) => [t.id, t.rank])),
    journeys,
    triggers: { byEvent, byStage, segments, thresholds, schedules },
    waitEvents,
    offers,
    pools,
    delivery,
    stageReviewMs,
    migrate: pb.migrate ?? {},
    introduceBy: [...introduceBy.values()],
    plans,
    stepOverrides,
    scopeInfo: Object.freeze({ id: pb.id, name: pb.name, version: options.version }),
  };
}
