import { EFFECTS, type GroupAddData } from '../model/effect.js';
import { EVENTS, type KithEvent } from '../model/event.js';
import { emptyList, ownRecord, unsubscribedTag } from '../model/member.js';
import type { Run } from './run.js';
import { notifyIntroduced } from './steps/introduce.js';

export const GROUP_RELEASE = 'groups.release';

/**
 * The mechanic that attributes joins to referrers when a playbook runs it (invite codes, the
 * attribution window, first/last model): the built-in attribution from `referrer` steps aside.
 */
export const ATTRIBUTION_MECHANIC = 'referrals';

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function record(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function touch(run: Run, at: number): void {
  const p = run.profile;
  if (p.lastActiveAt === null || at > p.lastActiveAt) {
    p.lastActiveAt = at;
    run.dirty = true;
  }
}

function applyProfileData(run: Run, d: Readonly<Record<string, unknown>>): void {
  for (const field of ['name', 'timezone', 'locale', 'source', 'inviteCode', 'inviteLink'] as const) {
    const v = str(d[field]);
    if (v !== null) run.change({ op: 'profile', field, value: v });
  }
  const channel = str(d.channel);
  const address = str(d.address);
  if (channel !== null && address !== null) run.change({ op: 'identity', channel, address });
  const ids = record(d.identities);
  if (ids !== null) {
    for (const [c, a] of Object.entries(ids))
      if (typeof a === 'string') run.change({ op: 'identity', channel: c, address: a });
  }
  const attrs = record(d.attributes);
  if (attrs !== null) for (const [key, value] of Object.entries(attrs)) run.change({ op: 'set', key, value });
  const add = strings(d.tags);
  const remove = strings(d.removeTags);
  if (add.length > 0 || remove.length > 0) run.change({ op: 'tag', add, remove });
}

function joined(run: Run, e: KithEvent): void {
  const p = run.profile;
  const d = e.data;
  if (p.joinedAt === null) {
    p.joinedAt = e.at;
    run.dirty = true;
  }
  if (run.state.leftAt !== null) {
    run.state.leftAt = null;
    run.dirty = true;
  }
  applyProfileData(run, d);
  const entry = str(d.entry);
  if (entry !== null && p.source === null) {
    const source = run.kernel.current.source.entries?.[entry]?.source ?? entry;
    run.change({ op: 'profile', field: 'source', value: source });
  }
  const referrer = str(d.referrer);
  const attributedByMechanic = run.kernel.current.plans.has(ATTRIBUTION_MECHANIC);
  if (referrer !== null && referrer !== p.id && p.referrer === null && !attributedByMechanic) {
    run.change({ op: 'referrer', member: referrer, name: str(d.referrerName) });
    run.emit(EVENTS.referralJoined, { member: p.id }, referrer);
  }
  touch(run, e.at);
}

function paid(run: Run, e: KithEvent): void {
  const d = e.data;
  const id = str(d.order) ?? str(d.orderId);
  const order = id === null ? undefined : run.state.orders[id];
  let amount: number;
  if (order !== undefined) {
    // a second notice of the same payment (a provider retry under another event id) counts once,
    // and so does a second charge for a paid order: it is the ledger's to refund, not more spending;
    // a cancelled order stays cancelled when the payment it had is notified again
    const payment = str(d.paymentId);
    const settled =
      order.status === 'paid' || order.status === 'partially-refunded' || order.status === 'refunded';
    if (settled || (order.status === 'cancelled' && payment !== null && payment === order.payment)) return;
    order.status = 'paid';
    order.paidAt = e.at;
    order.payment = payment;
    // a cancelled order paid again is paid with new money: none of it refunded yet
    order.refunded = 0;
    amount = order.amount;
  } else {
    amount = typeof d.amount === 'number' && Number.isSafeInteger(d.amount) && d.amount >= 0 ? d.amount : 0;
    // an order made outside the journeys (scan-to-buy): kept, so that its refunds count too
    if (id !== null) {
      run.state.orders = ownRecord(run.state.orders);
      run.state.orders[id] = {
        id,
        offer: str(d.offer) ?? '',
        amount,
        currency: str(d.currency) ?? '',
        tier: run.profile.tier,
        status: 'paid',
        createdAt: e.at,
        paidAt: e.at,
        payment: str(d.paymentId),
        refunded: 0,
        refunds: emptyList(),
        instance: null,
        step: null,
      };
    }
  }
  run.profile.spent += amount;
  run.profile.orders += 1;
  run.dirty = true;
  touch(run, e.at);
}

/**
 * A refund, full or partial (`amount`, default: what is left), counted once per `refundId` (the
 * event id without one). A refund of another charge than the one that paid the order (a duplicate
 * payment returned) leaves the order alone.
 */
function refunded(run: Run, e: KithEvent): void {
  const d = e.data;
  const id = str(d.order) ?? str(d.orderId);
  const order = id === null ? undefined : run.state.orders[id];
  if (order === undefined || (order.status !== 'paid' && order.status !== 'partially-refunded')) return;
  const payment = str(d.paymentId);
  if (payment !== null && order.payment !== null && payment !== order.payment) return;
  const refundId = str(d.refundId) ?? e.id;
  if (order.refunds.includes(refundId)) return;
  const left = order.amount - order.refunded;
  const asked = d.amount;
  const amount =
    typeof asked === 'number' && Number.isSafeInteger(asked) && asked > 0 ? Math.min(asked, left) : left;
  order.refunds = [...order.refunds, refundId];
  order.refunded += amount;
  run.profile.spent -= amount;
  if (order.refunded >= order.amount) {
    order.status = 'refunded';
    run.profile.orders -= 1;
  } else {
    order.status = 'partially-refunded';
  }
  run.dirty = true;
}

function left(run: Run, e: KithEvent): void {
  run.state.leftAt = e.at;
  // re-evaluated like any change: e.g. the introductions index drops a member who left
  run.dirty = true;
  for (const [pool, group] of Object.entries(run.profile.groups)) {
    run.request(GROUP_RELEASE, { pool, group }, null);
    run.change({ op: 'group', pool, group: null });
  }
}

/**
 * What the engine itself learns from the events it knows (the profile's counters, orders,
 * groups); mechanics and journeys react after this, so they see the updated member.
 */
export function applyBuiltins(run: Run, e: KithEvent): void {
  switch (e.type) {
    case EVENTS.memberJoined:
      joined(run, e);
      return;
    case EVENTS.memberUpdated:
      applyProfileData(run, e.data);
      return;
    case EVENTS.memberLeft:
      left(run, e);
      return;
    case EVENTS.memberUnsubscribed: {
      // A tag, so playbooks can see it (`'unsubscribed:email' in member.tags`) and undo it.
      const channel = str(e.data.channel);
      if (channel !== null) run.change({ op: 'tag', add: [unsubscribedTag(channel)] });
      return;
    }
    case EVENTS.messageReceived:
      run.profile.messages += 1;
      run.dirty = true;
      touch(run, e.at);
      return;
    case EVENTS.buttonClicked:
      touch(run, e.at);
      return;
    case EVENTS.paymentSucceeded:
      paid(run, e);
      return;
    case EVENTS.paymentRefunded:
      refunded(run, e);
      return;
    case EVENTS.groupAssigned: {
      const pool = str(e.data.pool);
      const group = str(e.data.group);
      if (pool === null || group === null) return;
      run.change({ op: 'group', pool, group });
      const channel = run.kernel.current.pools.get(pool)?.channel;
      if (channel !== undefined) {
        const data: GroupAddData = {
          pool,
          group,
          member: run.state.id,
          address: run.profile.identities[channel] ?? null,
        };
        run.effect(EFFECTS.groupAdd, channel, data as unknown as Record<string, unknown>);
      }
      return;
    }
    case EVENTS.referralJoined:
      run.change({ op: 'count', field: 'referrals', delta: 1 });
      return;
    case EVENTS.introduced:
      notifyIntroduced(run, e);
      return;
  }
}
