/**
 * The ledger's records. Every amount is an integer in minor units of its `currency`; nothing here
 * is ever a fraction. Orders live one record per order, commissions one record per referrer, so
 * that each operation that must be atomic (a payment, a refund, an accrual under a monthly cap, a
 * payout) touches exactly one record.
 */

export type LedgerOrderStatus = 'created' | 'paid' | 'partially-refunded' | 'refunded' | 'cancelled';

export interface LedgerPayment {
  /** The provider's payment id: a payment notified again under any event id is this one. */
  id: string;
  provider: string | null;
  amount: number;
  currency: string;
  at: number;
  /** `authorized`: a pre-sale hold, not captured yet; `voided`: a hold released. */
  state: 'authorized' | 'captured' | 'voided';
  /** Taken as a hold (a pre-sale checkout): its capture is asked of the plugin. */
  held: boolean;
  /** A second charge for an order already paid: it is refunded, never counted as the order's. */
  excess: boolean;
  /** What processing the payment decided, once it is complete: a repeated notice gets the same. */
  outcome: PaymentOutcome | null;
}

/** Why the ledger sends money back on its own. */
export type RefusalReason =
  | 'sold-out'
  | 'campaign-full'
  | 'campaign-closed'
  | 'campaign-failed'
  | 'order-cancelled'
  | 'duplicate-charge';

export interface PaymentOutcome {
  /** `confirmed`: the order counts (commissions accrue); `joined`: it waits for its campaign. */
  result: 'confirmed' | 'joined' | 'refused';
  reason: RefusalReason | null;
}

export interface LedgerRefund {
  /** The provider's (or the engine's) refund id: the same refund notified twice counts once. */
  id: string;
  amount: number;
  at: number;
  /** The payment it returns money of. */
  payment: string;
}

/** Money the engine asked a payment plugin to send back (or a hold to release). */
export interface RefundRequest {
  id: string;
  kind: 'refund' | 'void';
  payment: string;
  amount: number;
  reason: RefusalReason;
  at: number;
}

export interface LedgerFailure {
  id: string;
  at: number;
  reason: string | null;
}

export type EntryKind = 'payment' | 'refund' | 'commission' | 'reversal' | 'clawback' | 'payout';

/** Debit positive, credit negative; the lines of one entry sum to zero. */
export interface JournalLine {
  account: string;
  amount: number;
}

/** One balanced journal entry; its id makes posting it idempotent. */
export interface JournalEntry {
  id: string;
  kind: EntryKind;
  at: number;
  currency: string;
  order: string | null;
  referrer: string | null;
  lines: JournalLine[];
}

export interface LedgerOrder {
  id: string;
  member: string;
  offer: string;
  /** The member's tier when the order was made: its price is that tier's, whatever happens later. */
  tier: string;
  /** The stage of the journey that made the order (else the member's stage then). */
  stage: string | null;
  journey: string | null;
  amount: number;
  currency: string;
  /** The payment plugin instance that takes (and returns) the money. */
  target: string;
  /** The campaign round the order belongs to (`offer#n`), if the offer is a group buy or pre-sale. */
  campaign: string | null;
  /** Referrers at order time, the direct one first (at most three). */
  referrers: string[];
  status: LedgerOrderStatus;
  createdAt: number;
  paidAt: number | null;
  /** When the order started to count: paid, or its campaign succeeded. Commissions accrue then. */
  confirmedAt: number | null;
  /** The money commissions were computed on (the order's, or less if less was paid). */
  commissionBase: number | null;
  cancelledAt: number | null;
  cancelReason: RefusalReason | null;
  payments: LedgerPayment[];
  refunds: LedgerRefund[];
  requests: RefundRequest[];
  failures: LedgerFailure[];
  /** Referrers holding commission entries on this order: refunds reverse theirs. */
  commissions: { referrer: string; level: number }[];
  journal: JournalEntry[];
}

export type CommissionStatus = 'pending' | 'payable' | 'paid' | 'reversed';

export interface CommissionEntry {
  /** `order#level`. */
  id: string;
  order: string;
  /** The member who bought. */
  buyer: string;
  offer: string;
  level: number;
  referrer: string;
  currency: string;
  /** The order money it was earned on. */
  base: number;
  /** Earned, after the per-order and monthly caps. */
  amount: number;
  /** Taken back before it was paid. */
  reversed: number;
  /** Taken back after it was paid: owed by the referrer until later commissions make it up. */
  clawedBack: number;
  status: CommissionStatus;
  earnedAt: number;
  payableAt: number;
  paidAt: number | null;
  payout: string | null;
  /** The hold-timer call that made it payable: that call (and only it) announces it. */
  releasedBy: string | null;
  /** The calendar month (playbook zone) it counts toward for the monthly cap. */
  month: string;
}

export interface Payout {
  id: string;
  currency: string;
  /** Paid to the referrer. */
  amount: number;
  /** Payable commissions that went to make up earlier clawbacks instead. */
  offset: number;
  at: number;
  entries: string[];
}

export interface ReferrerAccount {
  id: string;
  entries: CommissionEntry[];
  journal: JournalEntry[];
  /** `YYYY-MM currency` → commission earned that month, net of what was taken back. */
  months: Record<string, number>;
  /** currency → clawed back after payment and not made up yet. */
  debt: Record<string, number>;
  payouts: Payout[];
}
