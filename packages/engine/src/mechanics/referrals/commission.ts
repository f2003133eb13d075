import { ownList } from '../../model/member.js';
import { accrue, takeBack } from '../ledger/accounts.js';
import type { MoneyContext } from '../ledger/context.js';
import { monthOf, share } from '../ledger/money.js';
import { kept } from '../ledger/orders.js';
import type { LedgerOrder } from '../ledger/types.js';
import { type ChainLink, referrerChain } from './chain.js';
import { type CommissionPlan, referralsPlan } from './plan.js';
import { BASIS_POINTS } from './rate.js';

export interface CommissionDraft {
  level: number;
  referrer: string;
  amount: number;
}

/**
 * What each level of the chain earns on `base`: its rate in basis points, rounded down; nothing
 * for a referrer outside the level's tiers; the per-order cap filled from level 1 down.
 */
export function commissionDrafts(
  plan: CommissionPlan,
  base: number,
  chain: readonly ChainLink[],
): CommissionDraft[] {
  const out: CommissionDraft[] = [];
  let left = plan.perOrder ?? Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < plan.levels.length && i < chain.length; i++) {
    const level = plan.levels[i]!;
    const link = chain[i]!;
    if (level.tiers !== null && !level.tiers.has(link.tier)) continue;
    const amount = Math.min(share(base, level.bp, BASIS_POINTS), left);
    if (amount <= 0) continue;
    left -= amount;
    out.push({ level: i + 1, referrer: link.id, amount });
  }
  return out;
}

/**
 * Accrues the commissions of a confirmed order to its referrers (once per order and level), under
 * the monthly cap of each, and tells each referrer (`commission.earned`, and `commission.payable`
 * at once when there is no hold).
 */
export async function accrueCommissions(ctx: MoneyContext, order: LedgerOrder): Promise<void> {
  const plan = referralsPlan(ctx.env.playbook)?.commissions;
  const base = order.commissionBase;
  const at = order.confirmedAt;
  if (plan == null || base === null || at === null || base <= 0) return;
  if (!plan.offers.has(order.offer) || order.referrers.length === 0) return;
  const chain = await referrerChain(
    ctx.env.store,
    ctx.tenant,
    order.member,
    order.referrers[0] ?? null,
    plan.levels.length,
  );
  const month = monthOf(at, plan.timezone);
  for (const d of commissionDrafts(plan, base, chain)) {
    const draft = {
      order: order.id,
      buyer: order.member,
      offer: order.offer,
      level: d.level,
      currency: order.currency,
      base,
      amount: d.amount,
      at,
      holdMs: plan.holdMs,
      month,
    };
    const { entry, fresh } = await ctx.ledger.updateAccount(d.referrer, (a) =>
      accrue(a, draft, plan.perReferrerPerMonth),
    );
    if (entry === null) continue;
    await ctx.ledger.updateOrder(order.id, (o) => {
      if (!o.commissions.some((c) => c.referrer === d.referrer && c.level === d.level)) {
        o.commissions = ownList(o.commissions);
        o.commissions.push({ referrer: d.referrer, level: d.level });
      }
    });
    if (!fresh) continue;
    const data = {
      entry: entry.id,
      orderId: order.id,
      offer: order.offer,
      buyer: order.member,
      level: entry.level,
      amount: entry.amount,
      currency: entry.currency,
      payableAt: entry.payableAt,
      status: entry.status,
    };
    ctx.notify(d.referrer, 'commission.earned', data);
    if (entry.status === 'payable') ctx.notify(d.referrer, 'commission.payable', data);
  }
}

/**
 * After a refund: each commission on the order keeps the order's kept share of itself and the
 * rest is taken back (reversed, or clawed back if it was paid); each referrer is told.
 */
export async function takeBackCommissions(ctx: MoneyContext, order: LedgerOrder): Promise<void> {
  const referrers = [...new Set(order.commissions.map((c) => c.referrer))];
  const left = order.status === 'cancelled' ? 0 : kept(order);
  for (const referrer of referrers) {
    const taken = await ctx.ledger.updateAccount(referrer, (a) => takeBack(a, order.id, left, ctx.now));
    for (const t of taken) {
      ctx.notify(referrer, 'commission.reversed', {
        entry: t.entry.id,
        orderId: order.id,
        offer: order.offer,
        level: t.entry.level,
        amount: t.amount,
        currency: t.entry.currency,
        clawback: t.clawback,
      });
    }
  }
}
