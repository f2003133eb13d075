import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { Problems } from '../../compile/problems.js';
import type { MemberChange } from '../../kernel/changes.js';
import type { EventView } from '../../model/event.js';
import { directMessage, renderOr, templateScope } from '../messages.js';
import {
  defineMechanic,
  type MechanicContext,
  type MechanicEffect,
  type MechanicEvent,
  type MechanicOutput,
} from '../types.js';
import { breaksContent, type CompiledRule, compileRule, floods, type RuleAction } from './rules.js';

/** Events moderation emits, to the member concerned. */
export const MODERATION_EVENTS = {
  /** data: rule, strikes (within the window, this one included), action, consequence */
  strike: 'moderation.strike',
  /** data: rule, strikes, until (epoch ms) */
  muted: 'member.muted',
  /** data: {} — the mute has run out */
  unmuted: 'member.unmuted',
  /** data: rule, strikes — followed by `member.left` (reason 'removed'), which frees group seats */
  removed: 'member.removed',
} as const;

/**
 * Effects for channel plugins. Each names the member, its address on the channel and the group;
 * a channel that cannot do it should skip it.
 */
export const MODERATION_EFFECTS = {
  /** data: member, address, group (the chat it was said in, or null), messageId, rule */
  deleteMessage: 'message.delete',
  /** data: pool (or null), group, member, address, untilMs */
  mute: 'group.mute',
  /** data: pool (or null), group, member, address */
  remove: 'group.remove',
} as const;

export interface StrikeLadder {
  warn: number | null;
  mute: number | null;
  muteForMs: number;
  remove: number | null;
  /** Strikes older than this are forgotten; null: never. */
  windowMs: number | null;
}

export interface ModerationPlan {
  rules: readonly CompiledRule[];
  ladder: StrikeLadder;
  /** The most messages any flood rule looks back over (0: keep no message times). */
  floodMemory: number;
  /** The longest window of any flood rule: older message times can no longer make a flood. */
  floodWindowMs: number;
  /** Where a warning goes when the message names no channel. */
  channel: string;
}

interface ModerationState {
  /** Times of strikes within the window, ascending. */
  strikes: number[];
  /** Times of the member's latest messages, for flood rules. */
  recent: number[];
  mutedUntil: number | null;
}

/**
 * An empty list of times, shared (frozen): a member whose strikes all expired, or whose flood
 * was just counted, keeps no list of its own. Lists of times are only ever replaced, never
 * written in place (`keepWithin` copies).
 */
const NO_TIMES: number[] = Object.freeze([]) as unknown as number[];
const EMPTY: ModerationState = Object.freeze({ strikes: NO_TIMES, recent: NO_TIMES, mutedUntil: null });

/**
 * The state as kept in the member: nearly every member has no strike, no mute and one recent
 * message, and keeps just that message's time — a number instead of an object and a list, ~90
 * bytes less per member. Read back, both forms are the same state; the object form is also what
 * earlier versions stored.
 */
type Stored = ModerationState | number;

function unpack(s: Stored | undefined): ModerationState {
  if (s === undefined) return EMPTY;
  return typeof s === 'number' ? { strikes: NO_TIMES, recent: [s], mutedUntil: null } : s;
}

function pack(s: ModerationState): Stored {
  return s.strikes.length === 0 && s.mutedUntil === null && s.recent.length === 1 ? s.recent[0]! : s;
}

const DAY = 86_400_000;

export function compileModeration(pb: ResolvedPlaybook): ModerationPlan | undefined {
  const c = pb.covenant;
  if (c?.rules === undefined || c.rules.length === 0) return undefined;
  const p = new Problems();
  const rules = c.rules.map((r, i) => compileRule(r, i, p));
  const s = c.strikes;
  const ladder: StrikeLadder = {
    warn: s?.warn === undefined ? null : p.int(s.warn, 'covenant.strikes.warn'),
    mute: s?.mute === undefined ? null : p.int(s.mute, 'covenant.strikes.mute'),
    muteForMs: s?.muteFor === undefined ? DAY : p.duration(s.muteFor, 'covenant.strikes.muteFor'),
    remove: s?.remove === undefined ? null : p.int(s.remove, 'covenant.strikes.remove'),
    windowMs: s?.window === undefined ? null : p.duration(s.window, 'covenant.strikes.window'),
  };
  p.throwIfAny();
  return {
    rules,
    ladder,
    floodMemory: Math.max(0, ...rules.map((r) => r.flood?.messages ?? 0)),
    floodWindowMs: Math.max(0, ...rules.map((r) => r.flood?.perMs ?? 0)),
    channel: c.acceptance?.via ?? Object.keys(pb.channels ?? {})[0] ?? '',
  };
}

type Ctx = MechanicContext<ModerationPlan, Stored>;

/** The consequence the ladder gives at `strikes`: the highest rung reached. */
function rung(l: StrikeLadder, strikes: number): 'warn' | 'mute' | 'remove' | null {
  if (l.remove !== null && strikes >= l.remove) return 'remove';
  if (l.mute !== null && strikes >= l.mute) return 'mute';
  if (l.warn !== null && strikes >= l.warn) return 'warn';
  return null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

interface GroupTarget {
  pool: string | null;
  group: string;
  channel: string;
}

/** The groups to act in: the member's groups in every pool, and the chat the message came from. */
function groupsOf(ctx: Ctx, view: EventView): GroupTarget[] {
  const out: GroupTarget[] = [];
  for (const [pool, group] of Object.entries(ctx.member.groups)) {
    const channel = ctx.playbook.pools.get(pool)?.channel;
    if (channel !== undefined) out.push({ pool, group, channel });
  }
  const group = str(view.group);
  const channel = str(view.channel);
  if (group !== null && channel !== null && !out.some((t) => t.group === group && t.channel === channel))
    out.push({ pool: null, group, channel });
  return out;
}

function groupEffects(
  ctx: Ctx,
  view: EventView,
  type: string,
  extra: Record<string, unknown>,
): MechanicEffect[] {
  return groupsOf(ctx, view).map((t) => ({
    type,
    target: t.channel,
    data: {
      pool: t.pool,
      group: t.group,
      member: ctx.member.id,
      address: ctx.member.identities[t.channel] ?? null,
      ...extra,
    },
  }));
}

function keepWithin(times: readonly number[], windowMs: number | null, now: number): number[] {
  return windowMs === null ? [...times] : times.filter((t) => t > now - windowMs);
}

/** Strikes expire one by one: a timer at the oldest one's expiry keeps `member.strikes` true. */
function expiryTimer(plan: ModerationPlan, strikes: readonly number[]): { name: string; at: number }[] {
  const oldest = strikes[0];
  if (oldest === undefined || plan.ladder.windowMs === null) return [];
  return [{ name: 'strikes', at: oldest + plan.ladder.windowMs }];
}

function warningText(rule: CompiledRule, strikes: number): string {
  return `Please keep to the community covenant (${rule.description ?? rule.id}). Strikes: ${strikes}.`;
}

/** A rule was broken: count the strike, act on the rule and on the ladder, say so in events. */
function enforce(
  ctx: Ctx,
  view: EventView,
  rule: CompiledRule,
  state: ModerationState,
  at: number,
): MechanicOutput {
  const plan = ctx.plan;
  const strikes = keepWithin(state.strikes, plan.ladder.windowMs, at);
  strikes.push(at);
  const count = strikes.length;
  const consequence = rung(plan.ladder, count);
  const acts = new Set<RuleAction>([rule.action]);
  if (consequence !== null) acts.add(consequence);
  const changes: MemberChange[] = [{ op: 'count', field: 'strikes', delta: count - ctx.member.strikes }];
  const effects: MechanicEffect[] = [];
  const events: MechanicEvent[] = [
    {
      type: MODERATION_EVENTS.strike,
      data: { rule: rule.id, strikes: count, action: rule.action, consequence: consequence ?? rule.action },
    },
  ];
  const channel = str(view.channel) ?? plan.channel;
  const messageId = str(view.messageId);
  if (acts.has('delete') && messageId !== null) {
    effects.push({
      type: MODERATION_EFFECTS.deleteMessage,
      target: channel,
      data: {
        member: ctx.member.id,
        address: ctx.member.identities[channel] ?? null,
        group: str(view.group),
        messageId,
        rule: rule.id,
      },
    });
  }
  const scope = templateScope(ctx, view, {
    rule: { id: rule.id, description: rule.description },
    strikes: count,
  });
  const text =
    rule.message !== null
      ? renderOr(rule.message, scope, warningText(rule, count))
      : acts.has('warn') && !acts.has('remove')
        ? warningText(rule, count)
        : null;
  if (text !== null) {
    const warn = directMessage(ctx, channel, text, { critical: true });
    if (warn !== undefined) effects.push(warn);
  }
  let mutedUntil = state.mutedUntil;
  const timers = expiryTimer(plan, strikes);
  if (acts.has('remove')) {
    effects.push(...groupEffects(ctx, view, MODERATION_EFFECTS.remove, {}));
    events.push(
      { type: MODERATION_EVENTS.removed, data: { rule: rule.id, strikes: count } },
      { type: 'member.left', data: { reason: 'removed', rule: rule.id } },
    );
  } else if (acts.has('mute')) {
    const until = Math.max(at + plan.ladder.muteForMs, mutedUntil ?? 0);
    mutedUntil = until;
    effects.push(...groupEffects(ctx, view, MODERATION_EFFECTS.mute, { untilMs: until }));
    events.push({ type: MODERATION_EVENTS.muted, data: { rule: rule.id, strikes: count, until } });
    timers.push({ name: 'unmute', at: until });
  }
  const next: ModerationState = {
    strikes,
    recent: rule.flood === null ? state.recent : NO_TIMES,
    mutedUntil,
  };
  return { changes: [{ op: 'state', value: pack(next) }, ...changes], effects, events, timers };
}

function onMessage(ctx: Ctx, view: EventView): MechanicOutput | undefined {
  const plan = ctx.plan;
  const at = typeof view.at === 'number' ? view.at : ctx.now;
  const prev = unpack(ctx.state);
  let state = prev;
  if (plan.floodMemory > 0) {
    // one array of the exact size (this runs on every message of every member; a spread and a
    // slice made two, and a literal with a spread is slow to build in V8)
    const before = prev.recent;
    let from = Math.max(0, before.length - (plan.floodMemory - 1));
    // Times a window before this message are dropped too: with messages in time order they can
    // never be counted again (a flood needs its messages within `per` of the latest), and a
    // member keeps one time instead of up to ten. A message older than the last kept
    // (out of order) drops nothing.
    const last = before.length === 0 ? Number.NEGATIVE_INFINITY : before[before.length - 1]!;
    if (at >= last) while (from < before.length && before[from]! <= at - plan.floodWindowMs) from++;
    const kept = before.length - from;
    const recent = new Array<number>(kept + 1);
    for (let k = 0; k < kept; k++) recent[k] = before[from + k]!;
    recent[kept] = at;
    state = { strikes: prev.strikes, recent, mutedUntil: prev.mutedUntil };
  }
  const text = typeof view.text === 'string' ? view.text : '';
  const lower = text.toLowerCase();
  // a message breaks at most one rule: the first in written order (the operator's priority)
  const rule = plan.rules.find((r) => breaksContent(r, lower, text) || floods(r, state.recent, at));
  if (rule !== undefined) return enforce(ctx, view, rule, state, at);
  return state === prev ? undefined : { changes: [{ op: 'state', value: pack(state) }] };
}

function onTimer(ctx: Ctx, name: string): MechanicOutput | undefined {
  const state = unpack(ctx.state);
  if (name === 'unmute') {
    if (state.mutedUntil === null || state.mutedUntil > ctx.now) return undefined;
    return {
      changes: [{ op: 'state', value: pack({ ...state, mutedUntil: null }) }],
      events: [{ type: MODERATION_EVENTS.unmuted, data: {} }],
    };
  }
  if (name !== 'strikes') return undefined;
  const kept = keepWithin(state.strikes, ctx.plan.ladder.windowMs, ctx.now);
  const strikes = kept.length === 0 ? NO_TIMES : kept;
  return {
    changes: [
      { op: 'state', value: pack({ ...state, strikes }) },
      { op: 'count', field: 'strikes', delta: strikes.length - ctx.member.strikes },
    ],
    timers: expiryTimer(ctx.plan, strikes),
  };
}

/**
 * Moderation: every message is checked against the covenant's rules (keywords and regular
 * expressions case-insensitive, links, flooding: N messages per window per member). A broken rule
 * counts a strike (strikes older than `strikes.window` are forgotten, and `member.strikes` follows)
 * and acts — its own action and the ladder's rung at that many strikes: delete the message, warn
 * the member (the rule's `message`), mute for `strikes.muteFor` in its groups, or remove it (the
 * `member.left` flow follows, freeing its group seats).
 */
export const moderation = defineMechanic<ModerationPlan, Stored>({
  name: 'moderation',
  events: ['message.received'],
  compile: (pb) => compileModeration(pb),
  onEvent: (ctx, _event, view) => (ctx.left ? undefined : onMessage(ctx, view)),
  onTimer: (ctx, name) => onTimer(ctx, name),
});
