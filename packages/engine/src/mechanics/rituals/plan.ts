import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { Problems } from '../../compile/problems.js';
import type { Render } from '../../compile/types.js';

export interface StreakReward {
  days: number;
  points: number;
  badge: string | null;
  tag: string | null;
}

export interface CheckinPlan {
  /** Lower-cased: a message containing it (any case) checks in. */
  keyword: string | null;
  button: string | null;
  /** How long after the start a check-in counts; null: until the next occurrence. */
  windowMs: number | null;
  points: number;
}

export interface RitualPlan {
  id: string;
  name: string;
  cron: string;
  zone: string;
  channel: string;
  /** The group pool whose groups get the announcement; null: each member directly. */
  pool: string | null;
  announce: Render | null;
  /** Null: the ritual takes no check-ins (an announcement only). */
  checkin: CheckinPlan | null;
  grace: number;
  /** By `days`, ascending. */
  rewards: readonly StreakReward[];
}

export interface RitualsPlan {
  rituals: ReadonlyMap<string, RitualPlan>;
}

/** Compiles `rituals:` once; undefined (the mechanic is off) when the playbook has none. */
export function compileRituals(pb: ResolvedPlaybook): RitualsPlan | undefined {
  const entries = Object.entries(pb.rituals ?? {});
  if (entries.length === 0) return undefined;
  const p = new Problems();
  const rituals = new Map<string, RitualPlan>();
  for (const [id, r] of entries) {
    const at = `rituals.${id}`;
    const c = r.checkin;
    rituals.set(id, {
      id,
      name: r.name ?? id,
      cron: r.schedule,
      zone: r.timezone ?? pb.timezone ?? 'UTC',
      channel: r.via,
      pool: r.group ?? null,
      announce: p.template(r.announce, `${at}.announce`),
      checkin:
        c === undefined
          ? null
          : {
              keyword: c.keyword === undefined || c.keyword === '' ? null : c.keyword.toLowerCase(),
              button: c.button ?? null,
              windowMs: c.window === undefined ? null : p.duration(c.window, `${at}.checkin.window`),
              points: c.points === undefined ? 0 : p.int(c.points, `${at}.checkin.points`),
            },
      grace: r.streak?.grace === undefined ? 0 : p.int(r.streak.grace, `${at}.streak.grace`),
      rewards: (r.streak?.rewards ?? [])
        .map((w, i) => ({
          days: p.int(w.days, `${at}.streak.rewards.${i}.days`, 1),
          points: w.points === undefined ? 0 : p.int(w.points, `${at}.streak.rewards.${i}.points`),
          badge: w.badge ?? null,
          tag: w.tag ?? null,
        }))
        .sort((a, b) => a.days - b.days),
    });
  }
  p.throwIfAny();
  return { rituals };
}
