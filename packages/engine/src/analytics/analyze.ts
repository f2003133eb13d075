import type { CompiledPlaybook } from '../compile/types.js';
import type { Mechanic } from '../mechanics/types.js';
import type { JourneyInstance } from '../model/instance.js';
import type { Store } from '../ports/store.js';
import { type Funnel, FunnelTally } from './funnel.js';
import { type Commissions, ledgerTotals } from './ledger.js';
import { type CurrencyRevenue, RevenueTally } from './revenue.js';

/** A community's funnel, revenue and commissions. */
export interface Analytics {
  funnel: Funnel;
  /** From the orders on member states, per currency. */
  revenue: CurrencyRevenue[];
  /** From the ledger, when the ledger mechanic runs. */
  commissions: Commissions;
}

export interface AnalyzeOptions {
  /** The mechanics the engine runs (the ledger is read only when it is one of them). */
  mechanics: readonly Mechanic[];
  /**
   * A tally that has already seen the finished runs (through `observe` as the Runtime's observer),
   * or finished runs to count: the Store keeps runs in progress, its archive the finished ones.
   */
  tally?: FunnelTally;
  finished?: Iterable<JourneyInstance> | AsyncIterable<JourneyInstance>;
}

/**
 * Funnel analytics from a Store: every member's state, the finished runs, the ledger. Live
 * dashboards and the simulator's report both call this, so a simulated funnel is counted exactly
 * as a live one.
 *
 * @example
 * const { funnel, revenue, commissions } = await analyzeStore(store, 'acme', compiled, {
 *   mechanics: DEFAULT_MECHANICS,
 *   finished: store.finished.get('acme') ?? [],
 * });
 */
export async function analyzeStore(
  store: Store,
  tenant: string,
  playbook: CompiledPlaybook,
  options: AnalyzeOptions,
): Promise<Analytics> {
  const tally = options.tally ?? new FunnelTally(playbook);
  if (options.finished !== undefined) for await (const run of options.finished) tally.addFinished(run);
  const revenue = new RevenueTally();
  for await (const id of store.memberIds(tenant)) {
    const state = await store.loadMember(tenant, id);
    if (state === undefined) continue;
    tally.addMember(state);
    revenue.addMember(state);
  }
  return {
    funnel: tally.funnel(),
    revenue: revenue.revenue(),
    commissions: await ledgerTotals(store, tenant, options.mechanics),
  };
}
