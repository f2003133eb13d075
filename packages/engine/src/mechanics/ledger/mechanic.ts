import type { MemberChange } from '../../kernel/changes.js';
import type { KithEvent } from '../../model/event.js';
import { CAMPAIGN_EVENTS } from '../campaigns/settle.js';
import { defineMechanic, type MechanicContext, type MechanicEvent, type MechanicOutput } from '../types.js';
import { Ledger } from './ledger.js';
import { LEDGER_SERVICE, LEDGER_SERVICES } from './services.js';

export const LEDGER = 'ledger';

/** Events the ledger takes in from payment plugins (and the operator, for payouts). */
export const LEDGER_EVENTS = {
  paymentSucceeded: 'payment.succeeded',
  paymentFailed: 'payment.failed',
  paymentRefunded: 'payment.refunded',
  payoutRequested: 'payout.requested',
} as const;

/** Events the ledger emits to members. */
export const LEDGER_EMITS = {
  orderCancelled: 'order.cancelled',
  commissionPaid: 'commission.paid',
} as const;

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

type Ctx = MechanicContext<LedgerPlan, LedgerState>;

export interface LedgerPlan {
  /** How many offers the playbook has (without offers or commissions the ledger is off). */
  offers: number;
}

/** The order a payment event is about, and its payment id (the event id when it names none). */
function paymentOf(event: KithEvent): { orderId: string | null; paymentId: string } {
  const d = event.data;
  return {
    orderId: str(d.orderId) ?? str(d.order),
    paymentId: str(d.paymentId) ?? str(d.payment) ?? `event:${event.id}`,
  };
}

function onPayment(ctx: Ctx, event: KithEvent): MechanicOutput | undefined {
  const d = event.data;
  const { orderId, paymentId } = paymentOf(event);
  // without an order there is nothing to pay: the payment id stands in for one
  const order = orderId ?? `payment:${paymentId}`;
  const common = { orderId: order, paymentId, at: event.at };
  switch (event.type) {
    case LEDGER_EVENTS.paymentSucceeded:
      return {
        requests: [
          {
            service: LEDGER_SERVICE.payment,
            input: {
              ...common,
              amount: d.amount,
              currency: d.currency,
              provider: d.provider,
              offer: d.offer,
              tier: ctx.member.tier,
              stage: ctx.member.stage,
              referrer: ctx.member.referrer,
            },
            reply: true,
            name: `pay:${paymentId}`,
          },
        ],
      };
    case LEDGER_EVENTS.paymentFailed:
      if (orderId === null) return undefined;
      return {
        requests: [
          {
            service: LEDGER_SERVICE.failure,
            input: { ...common, reason: d.reason ?? d.error ?? null },
            reply: true,
            name: `fail:${paymentId}`,
          },
        ],
      };
    case LEDGER_EVENTS.paymentRefunded: {
      if (orderId === null) return undefined;
      const refundId = str(d.refundId) ?? `event:${event.id}`;
      return {
        requests: [
          {
            service: LEDGER_SERVICE.refund,
            input: { ...common, refundId, amount: d.amount, paymentId: str(d.paymentId) },
            reply: true,
            name: `refund:${refundId}`,
          },
        ],
      };
    }
  }
  return undefined;
}

/**
 * What the ledger already told this member, so that a repeated answer (a notice sent again, an
 * input run again after a conflicting commit) tells nothing twice. Committed with the member.
 */
export interface LedgerState {
  /** Payments it told the member were refused. */
  refused: string[];
  /** Campaign rounds this member's order opened (the deadline timer is armed here). */
  opened: string[];
  payouts: string[];
}

/** Remembered per list: far more than can be repeated in flight. */
const REMEMBER = 100;

function remember(list: readonly string[], id: string): string[] {
  return [...list, id].slice(-REMEMBER);
}

/** Turns the services' answers into the member's changes and events, each once. */
function answer(ctx: Ctx, name: string, out: Readonly<Record<string, unknown>>): MechanicOutput | undefined {
  const kind = name.slice(0, name.indexOf(':'));
  const st: LedgerState = ctx.state ?? { refused: [], opened: [], payouts: [] };
  const next: LedgerState = { ...st };
  const changes: MemberChange[] = [];
  const events: MechanicEvent[] = [];
  const campaign = str(out.campaign);
  if (
    (kind === 'order' || kind === 'pay') &&
    out.opened === true &&
    campaign !== null &&
    !st.opened.includes(campaign)
  ) {
    next.opened = remember(st.opened, campaign);
    events.push({
      type: CAMPAIGN_EVENTS.opened,
      data: {
        campaign,
        offer: out.offer,
        kind: out.kind,
        threshold: out.threshold,
        deadline: out.deadline,
        orderId: out.orderId,
      },
    });
  }
  const orderId = str(out.orderId);
  if ((kind === 'pay' || kind === 'refund') && out.cancel === true && orderId !== null) {
    // always (it changes nothing on a cancelled order): a payment the engine counted is undone
    changes.push({ op: 'order', order: orderId, status: 'cancelled' });
  }
  const payment = name.slice(name.indexOf(':') + 1);
  if (kind === 'pay' && out.cancel === true && orderId !== null && !st.refused.includes(payment)) {
    next.refused = remember(st.refused, payment);
    events.push({
      type: LEDGER_EMITS.orderCancelled,
      data: { orderId, offer: out.offer, amount: out.amount, currency: out.currency, reason: out.reason },
    });
  }
  if (kind === 'payout' && Array.isArray(out.payouts)) {
    for (const p of out.payouts.map(record)) {
      const id = str(p.id);
      if (id === null || next.payouts.includes(id)) continue;
      next.payouts = remember(next.payouts, id);
      events.push({
        type: LEDGER_EMITS.commissionPaid,
        data: { payoutId: id, amount: p.amount, offset: p.offset, currency: p.currency, entries: p.entries },
      });
    }
  }
  if (events.length === 0) return changes.length === 0 ? undefined : { changes };
  return { changes: [...changes, { op: 'state', value: next }], events };
}

/**
 * The ledger: every order an offer or charge step makes is recorded at its tier price; payment
 * notices, refunds and failures from payment plugins update it idempotently (through the
 * `ledger.*` services, against the Store); a refused payment cancels the member's order; a
 * `payout.requested` pays the member's payable commissions.
 */
export const ledger = defineMechanic<LedgerPlan, LedgerState>({
  name: LEDGER,
  events: Object.values(LEDGER_EVENTS),
  compile: (pb) => {
    const offers = Object.keys(pb.offers ?? {}).length;
    return offers > 0 || pb.referrals?.commissions !== undefined ? { offers } : undefined;
  },

  /** A plugin that reports only the order id still gets `event.offer` to journeys (and the ledger its order). */
  async prepare(event, env) {
    if (event.type === LEDGER_EVENTS.payoutRequested) return undefined;
    const { orderId } = paymentOf(event);
    const d = event.data;
    if (orderId === null || (d.offer !== undefined && d.currency !== undefined)) return undefined;
    const order = await new Ledger(env.store, event.tenant).order(orderId);
    if (order === undefined) return undefined;
    return { offer: d.offer ?? order.offer, currency: d.currency ?? order.currency };
  },

  stepKinds: ['offer', 'charge'],
  onStep(ctx, info) {
    if (info.step.kind !== 'offer' && info.step.kind !== 'charge') return undefined;
    const o = record(info.output);
    const orderId = str(o.orderId);
    if (orderId === null) return undefined;
    return {
      requests: [
        {
          service: LEDGER_SERVICE.order,
          input: {
            orderId,
            offer: o.offer,
            tier: o.tier,
            amount: o.amount,
            currency: o.currency,
            stage: ctx.playbook.journeys.get(info.journey)?.stage ?? ctx.member.stage,
            journey: info.journey,
            referrer: ctx.member.referrer,
            at: ctx.now,
          },
          reply: true,
          name: `order:${orderId}`,
        },
      ],
    };
  },

  onEvent(ctx, event) {
    if (event.type !== LEDGER_EVENTS.payoutRequested) return onPayment(ctx, event);
    const d = event.data;
    const payoutId = str(d.payoutId) ?? event.id;
    return {
      requests: [
        {
          service: LEDGER_SERVICE.payout,
          input: { payoutId, currency: str(d.currency), via: str(d.via) },
          reply: true,
          name: `payout:${payoutId}`,
        },
      ],
    };
  },

  onReply: answer,

  services: LEDGER_SERVICES,
});
