import type { JourneyInstance, Kernel, MemberState, OutboxEntry } from '@kith/engine';
import { currentStep, runView } from './runs.js';

/** A member in a list. */
export function memberSummary(state: MemberState, kernel: Kernel | undefined) {
  const p = state.profile;
  return {
    id: p.id,
    name: p.name,
    stage: p.stage,
    tier: p.tier,
    tags: p.tags,
    points: p.points,
    spent: p.spent,
    orders: p.orders,
    source: p.source,
    joinedAt: p.joinedAt,
    lastActiveAt: p.lastActiveAt,
    leftAt: state.leftAt,
    journeys: state.instances.map((run) => ({
      journey: run.journey,
      step: currentStep(kernel, run),
      status: run.status,
    })),
  };
}

/** The full profile: what playbooks read as `member`, plus the engine's view of the member. */
export function memberProfile(state: MemberState, kernel: Kernel | undefined) {
  return {
    ...state.profile,
    leftAt: state.leftAt,
    stagesReached: state.stagesReached,
    referrerName: state.referrerName,
    messagesSent: state.sent,
    orderList: Object.values(state.orders).sort((a, b) => a.createdAt - b.createdAt),
    instances: state.instances.map((run) => runView(kernel, run, state.id)),
    revision: state.rev,
  };
}

export interface TimelineItem {
  at: number;
  kind: 'event' | 'step' | 'effect';
  type: string;
  journey?: string;
  instance?: string;
  step?: string;
  detail?: string;
  data?: unknown;
}

function runItems(run: JourneyInstance, into: TimelineItem[]): void {
  const base = { journey: run.journey, instance: run.id };
  into.push({ at: run.startedAt, kind: 'step', type: 'journey.entered', ...base });
  for (const rec of run.log) {
    into.push({
      at: rec.at,
      kind: 'step',
      type: 'step.completed',
      ...base,
      step: rec.step,
      ...(rec.output === undefined || rec.output === null ? {} : { data: rec.output }),
    });
  }
  if (run.wait !== null) {
    into.push({
      at: run.wait.since,
      kind: 'step',
      type: 'step.waiting',
      ...base,
      step: run.wait.step,
      detail: run.wait.event === null ? 'waiting for a time or a reply' : `waiting for ${run.wait.event}`,
    });
  }
  if (run.endedAt !== null) {
    const why = run.goal ?? run.reason;
    into.push({
      at: run.endedAt,
      kind: 'step',
      type: `journey.${run.status}`,
      ...base,
      ...(why === null ? {} : { detail: why }),
    });
  }
}

/**
 * What happened to a member, newest first, from what the engine keeps: the runs (in progress and
 * finished) with their step logs, orders and payments, direct messages sent, events waiting in
 * the inbox, and effects that ended in the dead-letter list. Events are not stored one by one,
 * so an event shows through what it caused.
 */
export function memberTimeline(
  state: MemberState,
  finished: readonly JourneyInstance[],
  dead: readonly OutboxEntry[],
): TimelineItem[] {
  const items: TimelineItem[] = [];
  const p = state.profile;
  if (p.joinedAt !== null) items.push({ at: p.joinedAt, kind: 'event', type: 'member.joined' });
  if (state.leftAt !== null) items.push({ at: state.leftAt, kind: 'event', type: 'member.left' });
  for (const run of finished) runItems(run, items);
  for (const run of state.instances) runItems(run, items);
  for (const o of Object.values(state.orders)) {
    const data = { order: o.id, offer: o.offer, amount: o.amount, currency: o.currency };
    items.push({
      at: o.createdAt,
      kind: 'effect',
      type: 'payment.checkout',
      detail: o.offer,
      data,
      ...stepOf(o),
    });
    if (o.paidAt !== null)
      items.push({ at: o.paidAt, kind: 'event', type: 'payment.succeeded', detail: o.status, data });
  }
  for (const at of state.sendLog)
    items.push({ at, kind: 'effect', type: 'message.send', detail: 'direct message' });
  for (const i of state.inbox) {
    items.push({
      at: i.at,
      kind: 'event',
      type: i.type,
      detail: 'kept until a wait takes it',
      data: i.event,
    });
  }
  for (const d of dead) {
    items.push({
      at: d.settledAt ?? d.availableAt,
      kind: 'effect',
      type: d.effect.type,
      detail: `dead letter after ${d.attempts} attempts: ${d.lastError ?? 'unknown error'}`,
      data: { key: d.effect.key, target: d.effect.target },
      ...(d.effect.step === null ? {} : { step: d.effect.step }),
    });
  }
  // newest first; at one instant an event sits below the steps it ran, and they below their effects
  const rank = { event: 0, step: 1, effect: 2 } as const;
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => b.item.at - a.item.at || rank[b.item.kind] - rank[a.item.kind] || b.i - a.i)
    .map((x) => x.item);
}

function stepOf(o: { instance: string | null; step: string | null }): Partial<TimelineItem> {
  return {
    ...(o.instance === null ? {} : { instance: o.instance }),
    ...(o.step === null ? {} : { step: o.step }),
  };
}
