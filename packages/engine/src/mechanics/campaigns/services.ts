import { MoneyContext } from '../ledger/context.js';
import type { ServiceHandler } from '../types.js';
import { roundById, settleDue } from './sales.js';
import { carryOut } from './settle.js';
import { readSales, updateSales } from './store.js';

export const CAMPAIGN_SETTLE = 'campaigns.settle';

/**
 * A round's deadline came (the timer on the member whose order opened it): rounds of the offer
 * that are due fail and are carried out; the round named is carried out again whatever settled
 * it — idempotent, it only completes what a crash may have left undone.
 */
const settle: ServiceHandler = async (req, env) => {
  const ctx = MoneyContext.of(req, env);
  const offer = String(req.input.offer);
  const failed = await updateSales(env.store, ctx.tenant, offer, (s) =>
    settleDue(s, ctx.now, ctx.token).map((r) => structuredClone(r)),
  );
  for (const r of failed) await carryOut(ctx, r);
  const sales = await readSales(env.store, ctx.tenant, offer);
  const named = sales === undefined ? undefined : roundById(sales, String(req.input.campaign));
  if (named !== undefined && !failed.some((r) => r.id === named.id))
    await carryOut(ctx, structuredClone(named));
  await ctx.flush();
  return { settled: failed.map((r) => r.id) };
};

export const CAMPAIGN_SERVICES: Readonly<Record<string, ServiceHandler>> = { [CAMPAIGN_SETTLE]: settle };
