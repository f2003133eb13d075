import { confirmOrder, refuseOrder } from '../ledger/confirm.js';
import type { MoneyContext } from '../ledger/context.js';
import type { CampaignRound } from './sales.js';

export const CAMPAIGN_EVENTS = {
  opened: 'campaign.opened',
  succeeded: 'campaign.succeeded',
  failed: 'campaign.failed',
} as const;

/**
 * Carries out a settled round: on success every participant's order is confirmed (a pre-sale's
 * payments captured, commissions accrued); on failure every one is cancelled and its money sent
 * back (refunded, or voided for a pre-sale hold). Each step is idempotent per order, so carrying
 * out a round again completes what a crash interrupted and asks nothing twice. Participants are
 * told (one event per order) only by the call that settled the round, or a retry of it.
 */
export async function carryOut(ctx: MoneyContext, round: CampaignRound): Promise<void> {
  if (round.status === 'open') return;
  const tell = round.settledBy === ctx.token;
  for (const p of round.participants) {
    const order =
      round.status === 'succeeded'
        ? await confirmOrder(ctx, p.order)
        : await refuseOrder(ctx, p.order, 'campaign-failed');
    if (!tell || order === undefined) continue;
    const type = round.status === 'succeeded' ? CAMPAIGN_EVENTS.succeeded : CAMPAIGN_EVENTS.failed;
    ctx.notify(p.member, type, {
      campaign: round.id,
      offer: round.offer,
      kind: round.kind,
      orderId: order.id,
      amount: order.amount,
      currency: order.currency,
      threshold: round.threshold,
      orders: round.participants.length,
    });
  }
}
