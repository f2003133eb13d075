import { emptyList, ownList } from '../../model/member.js';
import { campaignsPlan } from '../campaigns/plan.js';
import { admit, assignRound, type CampaignRound, settleDue, withdraw } from '../campaigns/sales.js';
import { CAMPAIGN_EVENTS, carryOut } from '../campaigns/settle.js';
import { readSales, updateSales } from '../campaigns/store.js';
import { referrerChain } from '../referrals/chain.js';
import { takeBackCommissions } from '../referrals/commission.js';
import type { ServiceHandler } from '../types.js';
import { payout } from './accounts.js';
import { confirmOrder, refuseOrder } from './confirm.js';
import { MoneyContext } from './context.js';
import { payoutEffect } from './effects.js';
import { isMoney } from './money.js';
import { kept, newOrder, recordPayment, recordRefund } from './orders.js';
import type { LedgerOrder, PaymentOutcome, RefusalReason } from './types.js';

export const LEDGER_SERVICE = {
  order: 'ledger.order',
  payment: 'ledger.payment',
  refund: 'ledger.refund',
  failure: 'ledger.failure',
  payout: 'ledger.payout',
} as const;

/** Commission levels are at most three: the chain recorded on an order is as long. */
const CHAIN_DEPTH = 3;

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function money(v: unknown): number | null {
  return isMoney(v) ? v : null;
}

/** The round an order was put in, and whether it opened it (its member then holds the deadline timer). */
interface Placement {
  campaign: string | null;
  opened: boolean;
  deadline: number | null;
  kind: string | null;
  threshold: number | null;
}

const NOT_PLACED: Placement = { campaign: null, opened: false, deadline: null, kind: null, threshold: null };

function placement(round: CampaignRound | null | undefined, order: string): Placement {
  if (round == null) return NOT_PLACED;
  return {
    campaign: round.id,
    opened: round.openedBy === order,
    deadline: round.deadline,
    kind: round.kind,
    threshold: round.threshold,
  };
}

/** Puts a new order of a campaign offer in its round (settling rounds whose deadline passed). */
async function place(ctx: MoneyContext, offer: string, order: string): Promise<Placement> {
  const spec = campaignsPlan(ctx.env.playbook)?.offers.get(offer)?.campaign ?? null;
  if (spec === null) return NOT_PLACED;
  const { where, settled } = await updateSales(ctx.env.store, ctx.tenant, offer, (s) => {
    const failed = settleDue(s, ctx.now, ctx.token).map((r) => structuredClone(r));
    // the placement's scalar fields, not a copy of the round: a round holds up to `maxOrders`
    // participants, and copying them for every order made each order cost as much as its round
    return { where: placement(assignRound(s, spec, order, ctx.now).round, order), settled: failed };
  });
  for (const r of settled) await carryOut(ctx, r);
  return where;
}

/** Where an order already recorded was placed (a retried call answers as the first did). */
async function placed(ctx: MoneyContext, o: LedgerOrder): Promise<Placement> {
  if (o.campaign === null) return NOT_PLACED;
  const sales = await readSales(ctx.env.store, ctx.tenant, o.offer);
  return placement(
    sales?.rounds.find((r) => r.id === o.campaign),
    o.id,
  );
}

interface OrderFacts {
  orderId: string;
  member: string;
  offer: string;
  tier: string;
  stage: string | null;
  journey: string | null;
  amount: number;
  currency: string;
  referrer: string | null;
  at: number;
}

async function createOrder(
  ctx: MoneyContext,
  f: OrderFacts,
): Promise<{ order: LedgerOrder; placement: Placement }> {
  const existing = await ctx.ledger.order(f.orderId);
  if (existing !== undefined) return { order: existing, placement: await placed(ctx, existing) };
  const where = await place(ctx, f.offer, f.orderId);
  const chain = await referrerChain(ctx.env.store, ctx.tenant, f.member, f.referrer, CHAIN_DEPTH);
  const pb = ctx.env.playbook;
  const target = pb.offers.get(f.offer)?.payment ?? Object.keys(pb.source.payments ?? {})[0] ?? '';
  const made = await ctx.ledger.updateOrder(
    f.orderId,
    (o) => o,
    () =>
      newOrder({
        id: f.orderId,
        member: f.member,
        offer: f.offer,
        tier: f.tier,
        stage: f.stage,
        journey: f.journey,
        amount: f.amount,
        currency: f.currency,
        target,
        campaign: where.campaign,
        // most buyers have no referrer: their orders share the frozen empty list
        referrers: chain.length === 0 ? emptyList() : chain.map((c) => c.id),
        at: f.at,
      }),
  );
  if (made === undefined) throw new Error(`order '${f.orderId}' could not be recorded`);
  // another call may have recorded it first: its placement is the order's
  const order = made.order;
  return { order, placement: order.campaign === where.campaign ? where : await placed(ctx, order) };
}

/** The order a request describes (a payment for an order the ledger never saw describes one too). */
function facts(req: Parameters<ServiceHandler>[0], now: number): OrderFacts {
  const i = req.input;
  return {
    orderId: String(i.orderId),
    member: req.member,
    offer: str(i.offer) ?? 'unknown',
    tier: str(i.tier) ?? '',
    stage: str(i.stage),
    journey: str(i.journey),
    amount: money(i.amount) ?? 0,
    currency: str(i.currency) ?? '',
    referrer: str(i.referrer),
    at: typeof i.at === 'number' ? i.at : now,
  };
}

/** An order made by an offer or charge step: recorded at its tier price, put in its campaign round. */
const recordOrder: ServiceHandler = async (req, env) => {
  const ctx = MoneyContext.of(req, env);
  const { order, placement: where } = await createOrder(ctx, facts(req, ctx.now));
  await ctx.flush();
  return { orderId: order.id, offer: order.offer, ...where };
};

/**
 * Whether a paid order counts: its stock and campaign decide (atomically, per offer); a refused
 * one is cancelled and its money sent back, a campaign's success confirms every participant.
 */
async function admitPayment(ctx: MoneyContext, order: LedgerOrder): Promise<PaymentOutcome> {
  const limits = campaignsPlan(ctx.env.playbook)?.offers.get(order.offer);
  if (limits === undefined) {
    await confirmOrder(ctx, order.id);
    return { result: 'confirmed', reason: null };
  }
  const { admission, settled } = await updateSales(ctx.env.store, ctx.tenant, order.offer, (s) => {
    const failed = settleDue(s, ctx.now, ctx.token).map((r) => structuredClone(r));
    const a = admit(
      s,
      limits,
      { id: order.id, member: order.member, campaign: order.campaign },
      ctx.now,
      ctx.token,
    );
    return { admission: structuredClone(a), settled: failed };
  });
  for (const r of settled) await carryOut(ctx, r);
  switch (admission.result) {
    case 'refused':
      await refuseOrder(ctx, order.id, admission.reason);
      return { result: 'refused', reason: admission.reason };
    case 'joined':
      return { result: 'joined', reason: null };
    case 'succeeded':
      await carryOut(ctx, admission.round);
      return { result: 'confirmed', reason: null };
    case 'confirmed': {
      const confirmed = await confirmOrder(ctx, order.id);
      const round = admission.round;
      // a late joiner of a campaign that already succeeded is told like the others were
      if (round !== null && confirmed !== undefined) {
        ctx.notify(order.member, CAMPAIGN_EVENTS.succeeded, {
          campaign: round.id,
          offer: round.offer,
          kind: round.kind,
          orderId: order.id,
          amount: confirmed.amount,
          currency: confirmed.currency,
          threshold: round.threshold,
          orders: round.participants.length,
        });
      }
      return { result: 'confirmed', reason: null };
    }
  }
}

/**
 * `payment.succeeded`: the payment is recorded once per provider payment id, however often and
 * however concurrently it is notified; the first complete processing decides its outcome and a
 * repeated notice gets that outcome back (`duplicate`), deciding and asking nothing again.
 */
const recordPaymentService: ServiceHandler = async (req, env) => {
  const ctx = MoneyContext.of(req, env);
  const i = req.input;
  const paymentId = String(i.paymentId);
  const { order: known, placement: where } = await createOrder(ctx, facts(req, ctx.now));
  const recorded = await ctx.ledger.updateOrder(known.id, (o) => {
    const spec = campaignsPlan(env.playbook)?.offers.get(o.offer)?.campaign;
    const { payment } = recordPayment(o, {
      id: paymentId,
      provider: str(i.provider),
      amount: money(i.amount) ?? o.amount,
      currency: str(i.currency) ?? o.currency,
      at: typeof i.at === 'number' ? i.at : ctx.now,
      hold: o.campaign !== null && spec?.kind === 'pre-sale',
    });
    const cancelled: RefusalReason | null =
      o.status === 'cancelled' ? (o.cancelReason ?? 'order-cancelled') : null;
    return { outcome: payment.outcome, excess: payment.excess, cancelled };
  });
  if (recorded === undefined) return { status: 'unknown', orderId: known.id };
  const order = recorded.order;
  const base = {
    orderId: order.id,
    offer: order.offer,
    amount: order.amount,
    currency: order.currency,
    ...where,
  };
  const seen = recorded.result.outcome;
  // the same answer as the first time: a member whose input ran again must still cancel its order
  if (seen !== null) return { status: 'duplicate', ...base, ...seen, cancel: order.status === 'cancelled' };
  let outcome: PaymentOutcome;
  if (recorded.result.excess) {
    await refuseOrder(ctx, order.id, 'duplicate-charge', paymentId);
    outcome = { result: 'refused', reason: 'duplicate-charge' };
  } else if (recorded.result.cancelled !== null) {
    await refuseOrder(ctx, order.id, recorded.result.cancelled, paymentId);
    outcome = { result: 'refused', reason: recorded.result.cancelled };
  } else {
    outcome = await admitPayment(ctx, order);
  }
  const final = await ctx.ledger.updateOrder(order.id, (o) => {
    const p = o.payments.find((x) => x.id === paymentId);
    if (p !== undefined && p.outcome === null) p.outcome = outcome;
    return o.status;
  });
  await ctx.flush();
  // a cancelled order is the member's to cancel too (the engine counted the payment it got)
  return { status: 'recorded', ...base, ...outcome, cancel: final?.result === 'cancelled' };
};

/**
 * `payment.refunded`: recorded once per refund id, never beyond what is left of the payment; the
 * order's commissions keep only its kept share (reversed, or clawed back once paid), and a fully
 * refunded order gives its stock and campaign place back.
 */
const recordRefundService: ServiceHandler = async (req, env) => {
  const ctx = MoneyContext.of(req, env);
  const i = req.input;
  const done = await ctx.ledger.updateOrder(String(i.orderId), (o) => {
    const r = recordRefund(o, {
      id: String(i.refundId),
      amount: money(i.amount),
      payment: str(i.paymentId),
      at: typeof i.at === 'number' ? i.at : ctx.now,
    });
    return {
      fresh: r.fresh,
      amount: r.refund?.amount ?? 0,
      released: r.released,
      kept: kept(o),
      cancelled: o.status === 'cancelled',
    };
  });
  if (done === undefined) return { status: 'unknown' };
  const order = done.order;
  const cancel = done.result.cancelled;
  if (!done.result.fresh) return { status: 'duplicate', orderId: order.id, cancel };
  const limited = campaignsPlan(env.playbook)?.offers.has(order.offer) === true;
  if (done.result.kept === 0 && limited)
    await updateSales(env.store, ctx.tenant, order.offer, (s) => withdraw(s, order.id));
  if (order.confirmedAt !== null) await takeBackCommissions(ctx, order);
  await ctx.flush();
  return {
    status: 'recorded',
    orderId: order.id,
    amount: done.result.amount,
    released: done.result.released,
    cancel,
  };
};

/** `payment.failed`: the attempt is kept on the order (once per payment id); the order stays payable. */
const recordFailure: ServiceHandler = async (req, env) => {
  const ctx = MoneyContext.of(req, env);
  const i = req.input;
  const id = String(i.paymentId);
  const done = await ctx.ledger.updateOrder(String(i.orderId), (o) => {
    if (o.failures.some((f) => f.id === id)) return false;
    o.failures = ownList(o.failures);
    o.failures.push({ id, at: typeof i.at === 'number' ? i.at : ctx.now, reason: str(i.reason) });
    return true;
  });
  return { status: done === undefined ? 'unknown' : done.result ? 'recorded' : 'duplicate' };
};

/** Pays out the member's payable commissions (once per payout id), through the payment plugin. */
const payoutService: ServiceHandler = async (req, env) => {
  const ctx = MoneyContext.of(req, env);
  const i = req.input;
  const target = str(i.via) ?? Object.keys(env.playbook.source.payments ?? {})[0] ?? '';
  const payouts = await ctx.ledger.updateAccount(req.member, (a) =>
    payout(a, String(i.payoutId), ctx.now, str(i.currency)).map((p) => structuredClone(p)),
  );
  for (const p of payouts)
    if (p.amount > 0) ctx.effects.push(payoutEffect(ctx.tenant, req.member, p, target));
  await ctx.flush();
  return { payouts };
};

export const LEDGER_SERVICES: Readonly<Record<string, ServiceHandler>> = {
  [LEDGER_SERVICE.order]: recordOrder,
  [LEDGER_SERVICE.payment]: recordPaymentService,
  [LEDGER_SERVICE.refund]: recordRefundService,
  [LEDGER_SERVICE.failure]: recordFailure,
  [LEDGER_SERVICE.payout]: payoutService,
};
