import type { MemberChange } from '../../kernel/changes.js';
import type { MessageButton } from '../../model/effect.js';
import type { EventView } from '../../model/event.js';
import { nextCronRun } from '../../time/cron.js';
import { Interner } from '../../util/intern.js';
import { directMessage, renderOr, templateScope } from '../messages.js';
import {
  type CommunityOutput,
  defineMechanic,
  type MechanicContext,
  type MechanicEffect,
  type MechanicEvent,
  type MechanicOutput,
} from '../types.js';
import { announceRitual, RITUAL_ANNOUNCE } from './announce.js';
import { compileRituals, type RitualPlan, type RitualsPlan } from './plan.js';
import { NO_STANDING, type RitualStanding, streakAfterCheckin, streakAlive } from './streak.js';

/** Events the rituals mechanic emits (to the member they are about). */
export const RITUAL_EVENTS = {
  /** data: ritual, name, occurrence, startsAt, until — to every member when an occurrence starts */
  started: 'ritual.started',
  /** data: ritual, occurrence, streak, via ('keyword' | 'button'), points */
  checkin: 'checkin.recorded',
  /** data: ritual, days — the streak reached a reward milestone */
  reached: 'streak.reached',
  /** data: ritual, days (the streak lost), missed */
  broken: 'streak.broken',
} as const;

/** A check-in button's value: `checkin:<ritual>`. */
export const CHECKIN_PREFIX = 'checkin:';

type State = Readonly<Record<string, RitualStanding>>;
type Ctx = MechanicContext<RitualsPlan, State>;

/** An occurrence "until the next one" when the schedule never runs again. */
const FOREVER = Number.MAX_SAFE_INTEGER;

/** Check-ins count from the start until the window closes, and never into the next occurrence. */
function occurrenceEnd(r: RitualPlan, at: number): number {
  const next = nextCronRun(r.cron, r.zone, at) ?? FOREVER;
  const w = r.checkin?.windowMs ?? null;
  return w === null ? next : Math.min(at + w, next);
}

function buttons(r: RitualPlan): MessageButton[] {
  const label = r.checkin?.button ?? null;
  return label === null ? [] : [{ text: label, value: `${CHECKIN_PREFIX}${r.id}`, url: null }];
}

function ritualScope(r: RitualPlan, occurrence: number, at: number): Record<string, unknown> {
  return { id: r.id, name: r.name, occurrence, at };
}

/**
 * Standings, and whole states, are interned: most members of a ritual stand alike (the same open
 * window, last check-in and streak), so they share one frozen object of each instead of keeping
 * two (about a hundred bytes a member, a million times over). A writer copies (`Standings.set`
 * does): see `Interner`.
 */
const standings = new Interner<RitualStanding>();
/** An interned standing's key, for building the key of a state made of interned standings. */
const standingKeys = new WeakMap<RitualStanding, string>();
const states = new Interner<State>();

function sharedStanding(s: RitualStanding): RitualStanding {
  const o = s.open;
  const key = `${o === null ? '' : `${o.n},${o.at},${o.until}`}|${s.last}|${s.streak}|${s.rewarded.join(',')}`;
  const found = standings.find(key);
  if (found !== undefined) return found;
  Object.freeze(s.rewarded);
  standingKeys.set(s, key);
  return standings.keep(key, s);
}

function sharedState(next: Record<string, RitualStanding>): State {
  let key = '';
  for (const id in next) {
    const s = sharedStanding(next[id]!);
    next[id] = s;
    key += `${id}\u0000${standingKeys.get(s)}\u0000`;
  }
  return states.find(key) ?? states.keep(key, next);
}

/** What one input does to the member's standings: collected, then returned as one output. */
class Standings {
  readonly changes: MemberChange[] = [];
  readonly events: MechanicEvent[] = [];
  readonly effects: MechanicEffect[] = [];
  /** Copied on the first write: most messages check nobody in. */
  private next: Record<string, RitualStanding> | null = null;

  constructor(readonly ctx: Ctx) {}

  standing(id: string): RitualStanding {
    return (this.next ?? this.ctx.state)?.[id] ?? NO_STANDING;
  }

  set(id: string, s: RitualStanding): void {
    this.next ??= { ...(this.ctx.state ?? {}) };
    this.next[id] = s;
  }

  output(): MechanicOutput | undefined {
    if (this.next === null) return undefined;
    return {
      changes: [{ op: 'state', value: sharedState(this.next) }, ...this.changes],
      events: this.events,
      effects: this.effects,
    };
  }
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The last check-in window opened, per ritual: every member gets the same occurrence, and one
 * shared (frozen) object instead of one each is ~80 bytes less per member and ritual.
 */
const windows = new Map<string, NonNullable<RitualStanding['open']>>();

function openWindow(ritual: string, n: number, at: number, until: number): RitualStanding['open'] {
  const w = windows.get(ritual);
  if (w !== undefined && w.n === n && w.at === at && w.until === until) return w;
  const made = Object.freeze({ n, at, until });
  // bounded: ritual ids of every playbook this process ran, one window each
  if (windows.size >= 1000) windows.clear();
  windows.set(ritual, made);
  return made;
}

/** An occurrence starts for this member: a streak with too many misses breaks; check-ins open. */
function started(o: Standings, view: EventView): void {
  const r = typeof view.ritual === 'string' ? o.ctx.plan.rituals.get(view.ritual) : undefined;
  const n = num(view.occurrence);
  const at = num(view.startsAt);
  const until = num(view.until);
  if (r === undefined || n === null || at === null || until === null) return;
  const s = o.standing(r.id);
  if (s.open !== null && s.open.n >= n) return; // this occurrence (or a later one) is already open
  let streak = s.streak;
  if (streak > 0 && !streakAlive(s, n, r.grace)) {
    o.changes.push({ op: 'streak', name: r.id, value: 0 });
    o.events.push({
      type: RITUAL_EVENTS.broken,
      data: { ritual: r.id, days: streak, missed: s.last === null ? n : n - s.last - 1 },
    });
    streak = 0;
  }
  o.set(r.id, { ...s, open: openWindow(r.id, n, at, until), streak });
  if (r.pool === null) {
    const ctx = o.ctx;
    const scope = templateScope(ctx, view, { ritual: ritualScope(r, n, at) });
    const text = renderOr(r.announce, scope, `${r.name} starts now`);
    const effect = directMessage(ctx, r.channel, text, { buttons: buttons(r) });
    if (effect !== undefined) o.effects.push(effect);
  }
}

/** A check-in for the open occurrence: once per occurrence; points, streak, rewards, events. */
function checkIn(o: Standings, r: RitualPlan, at: number, via: 'keyword' | 'button'): void {
  const s = o.standing(r.id);
  const open = s.open;
  if (r.checkin === null || open === null || at < open.at || at >= open.until || s.last === open.n) return;
  const n = open.n;
  if (s.streak > 0 && !streakAlive(s, n, r.grace)) {
    // the member missed the starts in between (it joined or came back since): the old streak ends here
    o.events.push({
      type: RITUAL_EVENTS.broken,
      data: { ritual: r.id, days: s.streak, missed: s.last === null ? n : n - s.last - 1 },
    });
  }
  const streak = streakAfterCheckin(s, n, r.grace);
  // copied only when a milestone is added: most check-ins reach none, and the member keeps the list
  let rewarded = s.rewarded;
  const points = r.checkin.points;
  o.changes.push({ op: 'count', field: 'checkins', delta: 1 }, { op: 'streak', name: r.id, value: streak });
  if (points !== 0) o.changes.push({ op: 'points', delta: points, reason: `checkin:${r.id}` });
  o.events.push({ type: RITUAL_EVENTS.checkin, data: { ritual: r.id, occurrence: n, streak, via, points } });
  for (const w of r.rewards) {
    if (w.days !== streak) continue;
    if (!rewarded.includes(w.days)) {
      rewarded = [...rewarded, w.days];
      if (w.points !== 0)
        o.changes.push({ op: 'points', delta: w.points, reason: `streak:${r.id}:${w.days}` });
      if (w.badge !== null) o.changes.push({ op: 'badge', add: w.badge });
      if (w.tag !== null) o.changes.push({ op: 'tag', add: [w.tag] });
    }
    o.events.push({ type: RITUAL_EVENTS.reached, data: { ritual: r.id, days: w.days } });
  }
  o.set(r.id, { open, last: n, streak, rewarded });
}

function onMessage(o: Standings, view: EventView, at: number): void {
  if (typeof view.text !== 'string' || view.text === '') return;
  const text = view.text.toLowerCase();
  for (const r of o.ctx.plan.rituals.values()) {
    const kw = r.checkin?.keyword ?? null;
    if (kw !== null && text.includes(kw)) checkIn(o, r, at, 'keyword');
  }
}

function onButton(o: Standings, view: EventView, at: number): void {
  const v = view.value;
  if (typeof v !== 'string' || !v.startsWith(CHECKIN_PREFIX)) return;
  const r = o.ctx.plan.rituals.get(v.slice(CHECKIN_PREFIX.length));
  if (r !== undefined) checkIn(o, r, at, 'button');
}

/**
 * Rituals (仪式): each ritual's cron schedule (its zone or the playbook's, DST-correct) starts an
 * occurrence — an announcement in every group of its pool (or to each member), and
 * `ritual.started` to every member. Members check in by keyword or button within the window, once
 * per occurrence; streaks count consecutive occurrences attended (`grace` misses in a row
 * forgiven) in `member.streaks.<ritual>`, with rewards at their `days`, once per member.
 */
export const rituals = defineMechanic<RitualsPlan, State>({
  name: 'rituals',
  events: [RITUAL_EVENTS.started, 'message.received', 'button.clicked'],
  compile: (pb) => compileRituals(pb),
  schedules: (plan) =>
    [...plan.rituals.values()].map((r) => ({ name: r.id, cron: r.cron, timezone: r.zone })),
  onSchedule(ctx, name, at, occurrence): CommunityOutput | undefined {
    const r = ctx.plan.rituals.get(name);
    if (r === undefined) return undefined;
    const until = occurrenceEnd(r, at);
    const out: CommunityOutput = {
      events: [
        {
          type: RITUAL_EVENTS.started,
          member: '*',
          data: { ritual: r.id, name: r.name, occurrence, startsAt: at, until },
        },
      ],
    };
    if (r.pool === null) return out;
    const scope = {
      params: ctx.playbook.params,
      playbook: ctx.playbook.scopeInfo,
      now: at,
      ritual: ritualScope(r, occurrence, at),
    };
    const input = {
      ritual: r.id,
      pool: r.pool,
      channel: r.channel,
      text: renderOr(r.announce, scope, `${r.name} starts now`),
      buttons: buttons(r),
      at,
    };
    return { ...out, requests: [{ service: RITUAL_ANNOUNCE, input }] };
  },
  onEvent(ctx, event, view) {
    if (ctx.left) return undefined;
    const o = new Standings(ctx);
    const at = typeof view.at === 'number' ? view.at : ctx.now;
    if (event.type === RITUAL_EVENTS.started) started(o, view);
    else if (event.type === 'message.received') onMessage(o, view, at);
    else onButton(o, view, at);
    return o.output();
  },
  services: { [RITUAL_ANNOUNCE]: announceRitual },
});
