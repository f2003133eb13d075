import type { Behaviour, Curve, SimulationProfile, SimulationRequest } from '../../api/types.js';
import type { Outline } from './outline.js';
import type { Problem } from './problems.js';

export const BEHAVIOURS = [
  'reply',
  'click',
  'checkin',
  'acceptCovenant',
  'purchase',
  'invite',
  'churn',
  'refund',
  'violate',
] as const satisfies readonly (keyof Behaviour)[];

export type BehaviourName = (typeof BEHAVIOURS)[number];

/** The engine's defaults (packages/engine/src/simulate/settings.ts), shown as placeholders. */
export const DEFAULT_BEHAVIOUR: Readonly<Behaviour> = {
  reply: 0.3,
  click: 0.2,
  checkin: 0.4,
  acceptCovenant: 0.9,
  purchase: 0.05,
  invite: 0.02,
  churn: 0.005,
  refund: 0.02,
  violate: 0.01,
};

export const CURVES: readonly Curve[] = ['flat', 'launch', 'growth'];

export interface ArrivalRow {
  entry: string;
  source: string;
  share: string;
}

/** The profile form as typed (strings): read into a request by `readProfile`. */
export interface ProfileForm {
  members: string;
  days: string;
  seed: string;
  curve: Curve;
  arrivals: ArrivalRow[];
  /** Tier id (`default` first) → behaviour → probability as typed; '' falls back. */
  behaviour: Record<string, Partial<Record<BehaviourName, string>>>;
}

/** The server's caps for a simulation started over the API (larger runs: `kith simulate`). */
export const LIMITS = { members: 200_000, days: 3650 } as const;

/** A form with sensible starting values: one arrival row per entry of the playbook, shares equal. */
export function defaultProfileForm(o: Outline): ProfileForm {
  const share = o.entries.length === 0 ? '1' : String(Math.round((1 / o.entries.length) * 100) / 100);
  const behaviour: ProfileForm['behaviour'] = { default: {} };
  for (const tier of o.tiers) behaviour[tier.id] = {};
  return {
    members: '1000',
    days: '30',
    seed: '1',
    curve: 'launch',
    arrivals: o.entries.map((e) => ({ entry: e.id, source: e.source, share })),
    behaviour,
  };
}

export interface ReadProfile {
  request?: SimulationRequest;
  /** Problems by path: `members`, `arrivals/0/share`, `behaviour/kol/invite`. */
  problems: Record<string, Problem>;
}

function integer(text: string, min: number, max: number): number | Problem {
  const t = text.trim();
  if (t === '') return { key: 'panels.form.required' };
  if (!/^-?\d+$/.test(t)) return { key: 'panels.form.integer' };
  const n = Number(t);
  if (n < min) return { key: 'panels.form.min', params: { min } };
  if (n > max) return { key: 'panels.form.max', params: { max } };
  return n;
}

function probability(text: string): number | Problem {
  const n = Number(text.trim());
  if (!Number.isFinite(n)) return { key: 'panels.form.number' };
  if (n < 0 || n > 1) return { key: 'panels.sim.probability' };
  return n;
}

/** The simulation request for a playbook, or the problems of the form by path. */
export function readProfile(form: ProfileForm, playbook: string): ReadProfile {
  const problems: Record<string, Problem> = {};
  const members = integer(form.members, 1, LIMITS.members);
  const days = integer(form.days, 1, LIMITS.days);
  const seed = integer(form.seed, -(2 ** 31), 2 ** 31 - 1);
  if (typeof members !== 'number') problems.members = members;
  if (typeof days !== 'number') problems.days = days;
  if (typeof seed !== 'number') problems.seed = seed;

  const arrivals: NonNullable<SimulationProfile['arrivals']> = [];
  let total = 0;
  form.arrivals.forEach((row, i) => {
    const share = probability(row.share);
    if (typeof share !== 'number') {
      problems[`arrivals/${i}/share`] = share;
      return;
    }
    total += share;
    const a: (typeof arrivals)[number] = { share };
    if (row.entry.trim() !== '') a.entry = row.entry.trim();
    if (row.source.trim() !== '') a.source = row.source.trim();
    arrivals.push(a);
  });
  if (form.arrivals.length > 0 && arrivals.length === form.arrivals.length && total === 0) {
    problems['arrivals/0/share'] = { key: 'panels.sim.sharesZero' };
  }

  const behaviour: Record<string, Partial<Behaviour>> = {};
  for (const [tier, values] of Object.entries(form.behaviour)) {
    const b: Partial<Behaviour> = {};
    for (const name of BEHAVIOURS) {
      const text = values[name];
      if (text === undefined || text.trim() === '') continue;
      const p = probability(text);
      if (typeof p === 'number') b[name] = p;
      else problems[`behaviour/${tier}/${name}`] = p;
    }
    if (Object.keys(b).length > 0) behaviour[tier] = b;
  }

  if (Object.keys(problems).length > 0) return { problems };
  const profile: SimulationProfile = {
    'kith-simulation': 1,
    members: members as number,
    days: days as number,
    seed: seed as number,
    curve: form.curve,
  };
  if (arrivals.length > 0) profile.arrivals = arrivals;
  if (Object.keys(behaviour).length > 0) profile.behaviour = behaviour;
  return {
    problems,
    request: { playbook, profile, members: members as number, days: days as number, seed: seed as number },
  };
}
