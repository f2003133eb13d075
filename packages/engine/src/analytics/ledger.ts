import { Ledger } from '../mechanics/ledger/ledger.js';
import { LEDGER } from '../mechanics/ledger/mechanic.js';
import { ledgerReport } from '../mechanics/ledger/reports.js';
import type { Mechanic } from '../mechanics/types.js';
import type { Store } from '../ports/store.js';

/** Money and commissions per currency as the ledger books them (minor units). */
export interface LedgerTotals {
  currency: string;
  /** Orders whose payment was captured. */
  orders: number;
  revenue: number;
  refunds: number;
  net: number;
  /** Commission expense, net of reversals and clawbacks. */
  commissions: number;
  /** Commission earned at every level, before anything was taken back. */
  earned: number;
  reversed: number;
  clawedBack: number;
  /** Earned, still in the hold period. */
  pending: number;
  /** Out of the hold period, not paid yet. */
  payable: number;
  paid: number;
}

export interface Commissions {
  /** `ledger` when the ledger mechanic runs; `none` otherwise (every total is then absent). */
  source: 'ledger' | 'none';
  currencies: LedgerTotals[];
}

/**
 * Commissions (and the ledger's own revenue figures) from the ledger's records in the Store, when
 * the ledger mechanic is among those the engine runs; nothing otherwise.
 */
export async function ledgerTotals(
  store: Store,
  tenant: string,
  mechanics: readonly Mechanic[],
): Promise<Commissions> {
  if (!mechanics.some((m) => m.name === LEDGER)) return { source: 'none', currencies: [] };
  const report = await ledgerReport(new Ledger(store, tenant));
  const currencies = Object.keys(report.currencies)
    .sort()
    .map((currency): LedgerTotals => {
      const c = report.currencies[currency]!;
      const t: LedgerTotals = {
        currency,
        ...c.total,
        earned: 0,
        reversed: 0,
        clawedBack: 0,
        pending: 0,
        payable: 0,
        paid: 0,
      };
      for (const r of Object.values(c.byReferrer)) {
        t.earned += r.earned;
        t.reversed += r.reversed;
        t.clawedBack += r.clawedBack;
        t.pending += r.pending;
        t.payable += r.payable;
        t.paid += r.paid;
      }
      return t;
    });
  return { source: 'ledger', currencies };
}
