import type { RefusalReason } from '../ledger/types.js';
import type { CampaignSpec, OfferLimits } from './plan.js';

/** Shared records of offers' sales (stock held, campaign rounds), one per offer. */
export const SALES = 'campaigns.offers';

export interface Participant {
  order: string;
  member: string;
  at: number;
}

/** One run of an offer's campaign: it opens with its first order and succeeds or fails once. */
export interface CampaignRound {
  /** `offer#n`. */
  id: string;
  offer: string;
  kind: CampaignSpec['kind'];
  threshold: number;
  maxOrders: number | null;
  deadline: number;
  openedAt: number;
  /** The order that opened it: its member's state carries the deadline timer. */
  openedBy: string;
  status: 'open' | 'succeeded' | 'failed';
  /** Paid orders in it, in the order they came. */
  participants: Participant[];
  settledAt: number | null;
  /** The call that settled it: a retry of that call tells participants again, no other does. */
  settledBy: string | null;
}

/**
 * All that limits one offer's sales in one record, so that taking the last unit of stock, the
 * last place in a campaign, and the campaign's success are decided together, atomically.
 */
export interface OfferSales {
  offer: string;
  /** Orders holding a unit of stock → when they took it. */
  sold: Record<string, number>;
  rounds: CampaignRound[];
}

export function newSales(offer: string): OfferSales {
  return { offer, sold: {}, rounds: [] };
}

/**
 * Units held per sales record, counted once and then kept up to date by the functions below (the
 * only writers of `sold`): an offer with stock holds thousands of orders, and counting them for
 * every payment made each payment cost as much as the stock. A cache only, so it is not stored.
 */
const heldCounts = new WeakMap<OfferSales, number>();

function held(s: OfferSales): number {
  let n = heldCounts.get(s);
  if (n === undefined) {
    n = Object.keys(s.sold).length;
    heldCounts.set(s, n);
  }
  return n;
}

function release(s: OfferSales, order: string): void {
  if (!(order in s.sold)) return;
  delete s.sold[order];
  const n = heldCounts.get(s);
  if (n !== undefined) heldCounts.set(s, n - 1);
}

function hold(s: OfferSales, order: string, now: number): void {
  const n = held(s);
  s.sold[order] = now;
  heldCounts.set(s, n + 1);
}

/** A round by its id (`offer#n` is the n-th round), without walking the rounds. */
export function roundById(s: OfferSales, id: string): CampaignRound | undefined {
  const r = s.rounds[Number(id.slice(id.lastIndexOf('#') + 1)) - 1];
  return r?.id === id ? r : s.rounds.find((x) => x.id === id);
}

function takesOrders(r: CampaignRound, now: number): boolean {
  return (
    r.status !== 'failed' && now < r.deadline && (r.maxOrders === null || r.participants.length < r.maxOrders)
  );
}

/**
 * Rounds whose deadline has come without reaching the threshold fail (one that reached it
 * succeeded then and there); their participants give their stock back. Returns the rounds failed.
 */
export function settleDue(s: OfferSales, now: number, token: string): CampaignRound[] {
  const out: CampaignRound[] = [];
  for (const r of s.rounds) {
    if (r.status !== 'open' || r.deadline > now) continue;
    r.status = 'failed';
    r.settledAt = r.deadline;
    r.settledBy = token;
    for (const p of r.participants) release(s, p.order);
    out.push(r);
  }
  return out;
}

/**
 * The round a new order belongs to: the current one while it takes orders, else a new one (a
 * deadline after the first order), else the closed one (a fixed deadline passed: it will refuse).
 */
export function assignRound(
  s: OfferSales,
  spec: CampaignSpec,
  order: string,
  now: number,
): { round: CampaignRound; opened: boolean } {
  const current = s.rounds[s.rounds.length - 1];
  if (current !== undefined && (takesOrders(current, now) || spec.deadline.kind === 'at'))
    return { round: current, opened: current.openedBy === order };
  const n = s.rounds.length + 1;
  const round: CampaignRound = {
    id: `${s.offer}#${n}`,
    offer: s.offer,
    kind: spec.kind,
    threshold: spec.threshold,
    maxOrders: spec.maxOrders,
    deadline: spec.deadline.kind === 'at' ? spec.deadline.at : now + spec.deadline.ms,
    openedAt: now,
    openedBy: order,
    status: 'open',
    participants: [],
    settledAt: null,
    settledBy: null,
  };
  s.rounds.push(round);
  return { round, opened: true };
}

export type Admission =
  /** The order counts now (no campaign, or its campaign already succeeded). */
  | { result: 'confirmed'; round: CampaignRound | null }
  /** In its campaign, which is still short of its threshold. */
  | { result: 'joined'; round: CampaignRound }
  /** This order took its campaign to the threshold: every participant is confirmed. */
  | { result: 'succeeded'; round: CampaignRound }
  | { result: 'refused'; reason: RefusalReason; round: CampaignRound | null };

/**
 * Lets a paid order in (once): a unit of stock, a place in its campaign round. Asking again for
 * the same order gives the same answer; the success of a round is decided by exactly one order.
 */
export function admit(
  s: OfferSales,
  limits: OfferLimits,
  order: { id: string; member: string; campaign: string | null },
  now: number,
  token: string,
): Admission {
  const round = order.campaign === null ? null : (roundById(s, order.campaign) ?? null);
  if (order.id in s.sold) {
    if (round === null) return { result: 'confirmed', round: null };
    if (round.status !== 'succeeded') return { result: 'joined', round };
    const decisive = round.settledBy === token && round.participants.at(-1)?.order === order.id;
    return decisive ? { result: 'succeeded', round } : { result: 'confirmed', round };
  }
  if (round !== null) {
    if (round.status === 'failed') return { result: 'refused', reason: 'campaign-failed', round };
    if (now >= round.deadline) return { result: 'refused', reason: 'campaign-closed', round };
    if (round.maxOrders !== null && round.participants.length >= round.maxOrders)
      return { result: 'refused', reason: 'campaign-full', round };
  }
  if (limits.stock !== null && held(s) >= limits.stock)
    return { result: 'refused', reason: 'sold-out', round };
  hold(s, order.id, now);
  if (round === null) return { result: 'confirmed', round: null };
  round.participants.push({ order: order.id, member: order.member, at: now });
  if (round.status === 'succeeded') return { result: 'confirmed', round };
  if (round.participants.length < round.threshold) return { result: 'joined', round };
  round.status = 'succeeded';
  round.settledAt = now;
  round.settledBy = token;
  return { result: 'succeeded', round };
}

/** A fully refunded order gives its unit back, and leaves a round that is still open. */
export function withdraw(s: OfferSales, order: string): void {
  release(s, order);
  for (const r of s.rounds) {
    if (r.status !== 'open') continue;
    const i = r.participants.findIndex((p) => p.order === order);
    if (i >= 0) r.participants.splice(i, 1);
  }
}
