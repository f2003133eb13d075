import type { CompiledPlaybook } from '../compile/types.js';
import type { Timer } from '../kernel/outcome.js';
import type { Mechanic } from '../mechanics/types.js';
import { nextCronRun } from '../time/cron.js';

/** A community-level timer: what to do for every member when it fires. */
export type TenantWork =
  | { kind: 'start'; journey: string; key: string }
  | { kind: 'review'; id: string }
  | { kind: 'mechanic'; mechanic: string; name: string; at: number };

/** The timers a published version needs: scheduled journeys, the stage review, mechanics' schedules. */
export function tenantTimers(
  tenant: string,
  pb: CompiledPlaybook,
  now: number,
  mechanics: readonly Mechanic[],
): Timer[] {
  const timers: Timer[] = [];
  for (const m of mechanics) {
    if (m.schedules === undefined || !pb.plans.has(m.name)) continue;
    for (const s of m.schedules(pb.plans.get(m.name), pb)) {
      const zone = s.timezone ?? pb.timezone;
      const at = nextCronRun(s.cron, zone, now);
      if (at === undefined) continue;
      timers.push({
        key: `mechanic:${m.name}:${s.name}`,
        tenant,
        member: null,
        at,
        kind: 'mechanic',
        name: `${m.name}:${s.name}`,
        data: { cron: s.cron, zone },
      });
    }
  }
  for (const j of pb.triggers.schedules) {
    if (j.trigger.kind !== 'schedule') continue;
    const at = nextCronRun(j.trigger.cron, j.trigger.zone, now);
    if (at !== undefined) {
      timers.push({
        key: `schedule:${j.id}`,
        tenant,
        member: null,
        at,
        kind: 'schedule',
        name: j.id,
        data: null,
      });
    }
  }
  if (pb.stageReviewMs !== null) {
    timers.push({
      key: 'review',
      tenant,
      member: null,
      at: now + pb.stageReviewMs,
      kind: 'review',
      name: 'review',
      data: null,
    });
  }
  return timers;
}

/**
 * What a fired community timer means under the current version, and its next occurrence. A
 * schedule whose journey the current version dropped (or changed) does nothing and stops.
 */
export function tenantWork(
  timer: Timer,
  pb: CompiledPlaybook,
): { work: TenantWork; next: Timer | null } | null {
  if (timer.kind === 'schedule') {
    const j = pb.journeys.get(timer.name);
    if (j?.trigger.kind !== 'schedule') return null;
    const next = nextCronRun(j.trigger.cron, j.trigger.zone, timer.at);
    return {
      work: { kind: 'start', journey: j.id, key: new Date(timer.at).toISOString() },
      next: next === undefined ? null : { ...timer, at: next },
    };
  }
  if (timer.kind === 'mechanic' && timer.data !== null) {
    const i = timer.name.indexOf(':');
    const next = nextCronRun(String(timer.data.cron), String(timer.data.zone), timer.at);
    return {
      work: {
        kind: 'mechanic',
        mechanic: timer.name.slice(0, i),
        name: timer.name.slice(i + 1),
        at: timer.at,
      },
      next: next === undefined ? null : { ...timer, at: next },
    };
  }
  if (timer.kind === 'review' && pb.stageReviewMs !== null) {
    return {
      work: { kind: 'review', id: String(timer.at) },
      next: { ...timer, at: timer.at + pb.stageReviewMs },
    };
  }
  return null;
}
