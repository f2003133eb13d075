/** The ledger: orders, payments, refunds, commissions and payouts, kept in the Store. */
export { type AccrualDraft, remaining, standing, type Takeback } from './accounts.js';
export { checkLedger } from './check.js';
export {
  type CaptureData,
  PAYMENT_EFFECTS,
  type PayoutData,
  type ReturnData,
} from './effects.js';
export { ACCOUNT } from './journal.js';
export { LEDGER_ACCOUNTS, LEDGER_ORDERS, Ledger } from './ledger.js';
export { LEDGER, LEDGER_EMITS, LEDGER_EVENTS, type LedgerPlan, ledger } from './mechanic.js';
export { isMoney, monthOf, share } from './money.js';
export { MONEY_MECHANICS } from './money-mechanics.js';
export { kept, primaryPayment } from './orders.js';
export {
  type CurrencyReport,
  type LedgerReport,
  ledgerReport,
  type MoneyRow,
  type ReferrerRow,
} from './reports.js';
export { LEDGER_SERVICE } from './services.js';
export type * from './types.js';
