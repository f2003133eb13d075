import type { CompiledPlaybook } from '../compile/types.js';
import { LEDGER, Ledger, ledgerReport, standing } from '../mechanics/ledger/index.js';
import type { Store } from '../ports/store.js';

export const LEDGER_FIELDS = ['orders', 'paid', 'revenue', 'refunded', 'commissions'] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

/** Totals by field; a field nothing can tell is absent (an expectation on it fails). */
export type LedgerTotals = Partial<Record<LedgerField, number>>;

export interface LedgerEnv {
  store: Store;
  tenant: string;
  playbook: CompiledPlaybook;
}

/**
 * The community's money, as the expectations define it: orders created, orders paid (a refunded
 * one was paid), money taken net of refunds, money refunded, and commissions earned (pending +
 * payable + paid, less what was reversed). With the ledger mechanic active these come from its
 * journals — the only place that knows a pre-sale hold is not money taken yet, partial refunds,
 * and commissions; without it, from members' orders, and commissions cannot be known.
 */
export async function ledgerTotals(env: LedgerEnv): Promise<LedgerTotals> {
  return env.playbook.plans.has(LEDGER) ? fromLedger(env) : fromOrders(env);
}

async function fromLedger(env: LedgerEnv): Promise<LedgerTotals> {
  const ledger = new Ledger(env.store, env.tenant);
  const t = { orders: 0, paid: 0, revenue: 0, refunded: 0, commissions: 0 };
  for await (const _ of ledger.orders()) t.orders++;
  const report = await ledgerReport(ledger);
  for (const c of Object.values(report.currencies)) {
    t.paid += c.total.orders;
    t.revenue += c.total.net;
    t.refunded += c.total.refunds;
  }
  for await (const a of ledger.accounts()) {
    for (const currency of new Set(a.entries.map((e) => e.currency))) {
      const s = standing(a, currency);
      t.commissions += s.pending + s.payable + s.paid;
    }
  }
  return t;
}

async function fromOrders(env: LedgerEnv): Promise<LedgerTotals> {
  const t = { orders: 0, paid: 0, revenue: 0, refunded: 0 };
  for await (const id of env.store.memberIds(env.tenant)) {
    const state = await env.store.loadMember(env.tenant, id);
    for (const o of Object.values(state?.orders ?? {})) {
      t.orders++;
      if (o.paidAt !== null || o.status === 'paid' || o.status === 'refunded') t.paid++;
      if (o.status === 'paid') t.revenue += o.amount;
      if (o.status === 'refunded') t.refunded += o.amount;
    }
  }
  return t;
}
