/** Funnel analytics from what the engine keeps: one way of counting for live and simulated runs. */
export { type Analytics, type AnalyzeOptions, analyzeStore } from './analyze.js';
export {
  type Funnel,
  FunnelTally,
  type JourneyRow,
  ordered,
  ratio,
  type SourceRow,
  type StageRow,
  type StepRow,
} from './funnel.js';
export { type Commissions, type LedgerTotals, ledgerTotals } from './ledger.js';
export { type CurrencyRevenue, type RevenueRow, RevenueTally } from './revenue.js';
