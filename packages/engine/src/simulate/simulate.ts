import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { VirtualClock } from '../adapters/virtual-clock.js';
import { analyzeStore } from '../analytics/analyze.js';
import { FunnelTally } from '../analytics/funnel.js';
import { DEFAULT_MECHANICS } from '../mechanics/index.js';
import type { Mechanic } from '../mechanics/types.js';
import type { Effect } from '../model/effect.js';
import { type IngestStatus, Runtime } from '../runtime/runtime.js';
import { nextCronRun } from '../time/cron.js';
import { zoneOffset } from '../time/zone.js';
import { Agenda } from './agenda.js';
import { DAY } from './calendar.js';
import { type Action, ITEM, SyntheticCommunity } from './community.js';
import { readCues } from './cues.js';
import { channelLimits, type LimitCatalogue } from './limits.js';
import { ChannelMeter, type QuietWindow } from './meter.js';
import { Population, SimulationStore } from './population.js';
import { type GroupLane, SimulatedProviders } from './providers.js';
import { buildReport, type SimulationReport } from './report.js';
import { SimulationScheduler } from './scheduler.js';
import type { SimulationSettings } from './settings.js';

export interface SimulationProgress {
  /** Share of the virtual time simulated, 0 to 1. */
  fraction: number;
  /** Members so far. */
  members: number;
}

export interface SimulateOptions {
  settings: SimulationSettings;
  /** Template parameter values (from validation); defaults fill the rest. */
  params?: Readonly<Record<string, unknown>>;
  /** The mechanics the engine runs: the registered ones unless told otherwise. */
  mechanics?: readonly Mechanic[];
  /** Providers' limits declared by plugins, by plugin name; the built-in table fills the rest. */
  limits?: LimitCatalogue;
  /** Violation moments listed per limit and channel (the totals count them all). Default 20. */
  maxMoments?: number;
  /** Called as virtual time passes (at most every few thousand items, and at each day). */
  onProgress?: (progress: SimulationProgress) => void;
}

export interface SimulationResult {
  report: SimulationReport;
  /** Members at the end (organic and invited). */
  members: number;
  memberSteps: number;
}

const TENANT = 'simulation';
/** Quiet hours checked when the playbook sets none: 22:00–08:00. */
const DEFAULT_QUIET: QuietWindow = { start: 22 * 60, end: 8 * 60 };
const PROGRESS_EVERY = 4096;

/**
 * Runs a playbook on a synthetic community in virtual time, through the real Runtime and the
 * registered mechanics (the same code path as a live community), on simulation adapters: members
 * in memory, timers rebuilt from state, effects carried out by simulated providers that let the
 * members react. Returns the report: funnel, revenue, commissions, messages per channel per day,
 * rate-limit and quiet-hours violations. Deterministic per seed: the same inputs give the same
 * report, byte for byte.
 *
 * @example
 * const settings = resolveSettings(profile, { members: 10_000, seed: 7 }, playbook);
 * const { report } = await simulate(playbook, { settings, params });
 */
export async function simulate(
  playbook: ResolvedPlaybook,
  options: SimulateOptions,
): Promise<SimulationResult> {
  const settings = options.settings;
  const mechanics = options.mechanics ?? DEFAULT_MECHANICS;
  const start = settings.start;
  const end = start + settings.days * DAY;
  const zone = playbook.timezone ?? 'UTC';
  const population = new Population(TENANT);
  const agenda = new Agenda();
  const clock = new VirtualClock(start);
  const scheduler = new SimulationScheduler(population);
  let providers: SimulatedProviders | undefined;
  const store = new SimulationStore(population, (effects: readonly Effect[]) => providers!.accept(effects));
  const tally = { current: null as FunnelTally | null };
  const runtime = new Runtime({
    store,
    scheduler,
    clock,
    effects: { deliver: (e) => providers!.deliver(e) },
    mechanics,
    // one thread, unique event ids: the inbox covers a race that cannot happen here
    kernel: { inboxSize: 0, trace: false },
    observer: (_tenant, _member, out) => tally.current?.observe(out),
    // the simulation's store and scheduler are in memory and this runtime's alone
    immediate: { members: store, timers: scheduler },
  });
  await runtime.publish(TENANT, playbook, { version: '1', params: options.params ?? {} });
  const compiled = runtime.kernel(TENANT).current;
  tally.current = new FunnelTally(compiled);

  const cues = readCues(playbook);
  const community = new SyntheticCommunity(settings, cues, population, agenda, zone);
  const quiet = compiled.delivery.quiet;
  const quietWindow = quiet === null ? DEFAULT_QUIET : { start: quiet.start, end: quiet.end };
  const maxMoments = options.maxMoments ?? 20;
  const meters = new Map<string, ChannelMeter>();
  for (const [id, spec] of Object.entries(playbook.channels ?? {})) {
    const limits = channelLimits(playbook, id, options.limits ?? {});
    meters.set(id, new ChannelMeter(id, spec.use, limits, start, settings.days, quietWindow, maxMoments));
  }
  providers = new SimulatedProviders(compiled, meters, population, community, agenda, clock);

  const occurrences: { at: number; ritual: (typeof cues.rituals)[number] }[] = [];
  for (const r of cues.rituals) {
    for (let t = nextCronRun(r.cron, r.zone, start - 1); t !== undefined && t < end; ) {
      occurrences.push({ at: t, ritual: r });
      t = nextCronRun(r.cron, r.zone, t);
    }
  }
  community.plan(occurrences);

  let seq = 0;
  // the status, or a promise of it only when the input had to wait for a service
  const act = (a: Action) =>
    runtime.ingestNow({
      tenant: TENANT,
      id: `s${(seq++).toString(36)}`,
      type: a.type,
      member: population.states[a.member]!.id,
      data: a.data,
    });
  const present = (i: number) => population.states[i]!.leftAt === null;
  const progress = options.onProgress;
  const current = agenda.current;
  for (let n = 0; ; n++) {
    const timerAt = scheduler.nextDue();
    const itemAt = agenda.nextAt();
    const next = Math.min(timerAt, itemAt);
    if (next >= end) break;
    clock.set(next);
    if (progress !== undefined && n % PROGRESS_EVERY === 0)
      progress({ fraction: (next - start) / (end - start), members: population.size });
    // timers first at a tie: a wait due now ends before what members do at the same instant
    if (timerAt <= itemAt) {
      const ticked = runtime.tickNow();
      if (ticked instanceof Promise) await ticked;
      continue;
    }
    agenda.pop();
    const { at, kind, member, data } = current;
    let done: IngestStatus | Promise<IngestStatus> = 'processed';
    switch (kind) {
      case ITEM.day:
        community.startDay(member);
        progress?.({ fraction: (at - start) / (end - start), members: population.size });
        break;
      case ITEM.join:
        done = act(community.join(data as number));
        break;
      case ITEM.invite:
        if (present(member)) done = act(community.invite(member));
        break;
      case ITEM.message:
        if (present(member)) done = act(community.message(member));
        break;
      case ITEM.checkin:
        if (present(member)) done = act(community.checkin(member, data as string));
        break;
      case ITEM.churn:
        if (present(member)) done = act(community.churn(member));
        break;
      case ITEM.click:
        if (present(member)) done = act(community.click(member, data as string));
        break;
      case ITEM.pay:
        if (present(member))
          done = act(community.pay(member, data as Parameters<typeof community.pay>[1], at));
        break;
      case ITEM.refund:
        done = act(community.refund(member, data as Parameters<typeof community.refund>[1]));
        break;
      case ITEM.ritual:
        community.ritual(data as (typeof cues.rituals)[number], at);
        break;
      case ITEM.deliver:
        providers.dispatch(data as Effect, at);
        break;
      case ITEM.redeliver:
        providers.release(data as GroupLane, at);
        break;
      case ITEM.event: {
        const e = data as { type: string; data: Record<string, unknown> };
        if (member < 0) done = runtime.ingestNow({ tenant: TENANT, id: `s${(seq++).toString(36)}`, ...e });
        else done = act({ type: e.type, member, data: e.data });
        break;
      }
    }
    if (typeof done !== 'string') await done;
  }
  clock.set(end);
  providers.countPending();
  progress?.({ fraction: 1, members: population.size });

  const analytics = await analyzeStore(store, TENANT, compiled, { mechanics, tally: tally.current });
  const days = Array.from({ length: settings.days }, (_, d) => {
    const at = start + d * DAY;
    return new Date(at + zoneOffset(zone, at)).toISOString().slice(0, 10);
  });
  const report = buildReport({
    playbook: { id: compiled.id, name: compiled.name, version: compiled.version },
    settings,
    activity: { ...community.did },
    analytics,
    memberSteps: tally.current.stepsCompleted,
    quiet: { window: quietWindow, source: quiet === null ? 'default' : 'playbook' },
    days,
    channels: [...meters.values()].map((m) => m.usage()),
    effects: providers.byType,
  });
  return { report, members: population.size, memberSteps: tally.current.stepsCompleted };
}
