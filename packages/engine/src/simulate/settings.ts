import type { ResolvedPlaybook, SimulationProfile } from '@kith/playbook/browser';
import { fromWall } from '../time/zone.js';
import { cumulative } from './random.js';

export type Curve = 'flat' | 'launch' | 'growth';

/** Every behaviour probability, filled in (the profile may leave any of them out). */
export interface Behaviour {
  reply: number;
  click: number;
  checkin: number;
  acceptCovenant: number;
  purchase: number;
  invite: number;
  churn: number;
  refund: number;
  violate: number;
}

export type BehaviourName = keyof Behaviour;

/**
 * What a profile leaves out: the examples its schema documents, so that a bare
 * `kith simulate playbook.yaml` already shows a plausible funnel.
 */
export const DEFAULT_BEHAVIOUR: Readonly<Behaviour> = Object.freeze({
  reply: 0.3,
  click: 0.2,
  checkin: 0.4,
  acceptCovenant: 0.9,
  purchase: 0.05,
  invite: 0.02,
  churn: 0.005,
  refund: 0.02,
  violate: 0.01,
});

const BEHAVIOURS = Object.keys(DEFAULT_BEHAVIOUR) as BehaviourName[];

export interface Arrival {
  /** The entry id sent as `event.entry`, or null to join without one. */
  entry: string | null;
  /** The source label recorded on the member, or null to let the entry's own source apply. */
  source: string | null;
  /** Normalised: the shares of all arrivals sum to 1. */
  share: number;
}

export interface AttributeTable {
  name: string;
  values: readonly string[];
  cumulative: Float64Array;
}

/** A profile with defaults applied and flags laid over it: what one simulation run uses. */
export interface SimulationSettings {
  members: number;
  days: number;
  seed: number;
  /** Epoch milliseconds. */
  start: number;
  arrivals: readonly Arrival[];
  curve: Curve;
  /** By tier id, every tier of the playbook plus `default`. */
  behaviour: Readonly<Record<string, Behaviour>>;
  attributes: readonly AttributeTable[];
  keywords: readonly (readonly [string, number])[];
}

/** Command-line flags win over the profile's fields. */
export interface SimulationOverrides {
  members?: number;
  days?: number;
  seed?: number;
  /** ISO 8601 or epoch milliseconds. */
  start?: string | number;
}

export const DEFAULTS = { members: 1000, days: 30, seed: 1 } as const;

/** Local midnight of a fixed Monday in the playbook's zone: a default that never reads the clock. */
function defaultStart(zone: string): number {
  return fromWall(zone, Date.UTC(2026, 2, 2));
}

function toTime(v: string | number): number {
  const t = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(t)) throw new RangeError(`not a time: '${String(v)}'`);
  return t;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Members arrive through the profile's entries; without any, through the playbook's first entry
 * that is not an import (imports are people already in the community).
 */
function arrivals(profile: Partial<SimulationProfile>, pb: ResolvedPlaybook): Arrival[] {
  const given = profile.arrivals ?? [];
  const total = given.reduce((s, a) => s + a.share, 0);
  if (given.length > 0 && total > 0) {
    return given
      .filter((a) => a.share > 0)
      .map((a) => ({ entry: a.entry ?? null, source: a.source ?? null, share: a.share / total }));
  }
  const entries = Object.entries(pb.entries ?? {});
  const first = entries.find(([, e]) => e.kind !== 'import') ?? entries[0];
  return [{ entry: first?.[0] ?? null, source: null, share: 1 }];
}

function behaviour(profile: Partial<SimulationProfile>, pb: ResolvedPlaybook): Record<string, Behaviour> {
  const given = profile.behaviour ?? {};
  const base: Behaviour = { ...DEFAULT_BEHAVIOUR };
  for (const k of BEHAVIOURS) {
    const v = given.default?.[k];
    if (v !== undefined) base[k] = v;
  }
  const out: Record<string, Behaviour> = { default: base };
  for (const tier of [...Object.keys(pb.tiers ?? {}), ...Object.keys(given)]) {
    if (tier === 'default' || out[tier] !== undefined) continue;
    const b: Behaviour = { ...base };
    for (const k of BEHAVIOURS) {
      const v = given[tier]?.[k];
      if (v !== undefined) b[k] = v;
    }
    out[tier] = b;
  }
  return out;
}

/**
 * Applies defaults and overrides to a (validated) profile. Throws RangeError on values the schema
 * cannot rule out (a flag that is not a positive integer, an unreadable start).
 *
 * @example
 * const settings = resolveSettings(profile, { members: 1_000_000 }, playbook);
 */
export function resolveSettings(
  profile: Partial<SimulationProfile> | undefined,
  overrides: SimulationOverrides,
  pb: ResolvedPlaybook,
): SimulationSettings {
  const p = profile ?? {};
  const seed = overrides.seed ?? p.seed ?? DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const start = overrides.start ?? p.start;
  return {
    members: positiveInt('members', overrides.members ?? p.members ?? DEFAULTS.members),
    days: positiveInt('days', overrides.days ?? p.days ?? DEFAULTS.days),
    seed,
    start: start === undefined ? defaultStart(pb.timezone ?? 'UTC') : toTime(start),
    arrivals: arrivals(p, pb),
    curve: p.curve ?? 'flat',
    behaviour: behaviour(p, pb),
    attributes: Object.entries(p.attributes ?? {})
      .map(([name, weights]) => {
        const values = Object.keys(weights).filter((v) => (weights[v] ?? 0) > 0);
        return { name, values, cumulative: cumulative(values.map((v) => weights[v]!)) };
      })
      .filter((t) => t.values.length > 0),
    keywords: Object.entries(p.keywords ?? {}).filter(([, q]) => q > 0),
  };
}
