import type { CompiledPlaybook } from '../compile/types.js';
import type { Mechanic, ServiceHandler } from '../mechanics/types.js';
import type { Store } from '../ports/store.js';

/**
 * The service a ledger mechanic answers with the community's totals: input `{}`, output numbers
 * in minor units, any of `orders`, `paid`, `revenue`, `refunded`, `commissions`. The runner
 * takes what it answers; without it, order totals come from members' orders, and commissions
 * cannot be known at all (an expectation on them fails, it is never skipped).
 */
export const LEDGER_TOTALS_SERVICE = 'ledger.totals';

export const LEDGER_FIELDS = ['orders', 'paid', 'revenue', 'refunded', 'commissions'] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

/** Totals by field; a field nothing can tell is absent. */
export type LedgerTotals = Partial<Record<LedgerField, number>>;

/**
 * From members' orders: orders created, orders paid (a refunded order was paid), money taken net
 * of refunds, money refunded.
 */
async function fromOrders(store: Store, tenant: string): Promise<LedgerTotals> {
  const t = { orders: 0, paid: 0, revenue: 0, refunded: 0 };
  for await (const id of store.memberIds(tenant)) {
    const state = await store.loadMember(tenant, id);
    for (const o of Object.values(state?.orders ?? {})) {
      t.orders++;
      if (o.paidAt !== null || o.status === 'paid' || o.status === 'refunded') t.paid++;
      if (o.status === 'paid') t.revenue += o.amount;
      if (o.status === 'refunded') t.refunded += o.amount;
    }
  }
  return t;
}

function ledgerService(mechanics: readonly Mechanic[]): ServiceHandler | undefined {
  for (const m of mechanics) {
    const h = m.services?.[LEDGER_TOTALS_SERVICE];
    if (h !== undefined) return h;
  }
  return undefined;
}

/** Whether any mechanic can tell commissions. */
export function hasLedger(mechanics: readonly Mechanic[]): boolean {
  return ledgerService(mechanics) !== undefined;
}

export async function ledgerTotals(
  env: { store: Store; tenant: string; playbook: CompiledPlaybook; now: number },
  mechanics: readonly Mechanic[],
): Promise<LedgerTotals> {
  const totals = await fromOrders(env.store, env.tenant);
  const service = ledgerService(mechanics);
  if (service === undefined) return totals;
  const answer = await service(
    { service: LEDGER_TOTALS_SERVICE, tenant: env.tenant, member: '', token: null, input: {} },
    { store: env.store, playbook: env.playbook, now: env.now, forward: () => {} },
  );
  for (const f of LEDGER_FIELDS) {
    const v = answer[f];
    if (typeof v === 'number' && Number.isFinite(v)) totals[f] = v;
  }
  return totals;
}
