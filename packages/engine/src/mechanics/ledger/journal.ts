import type { EntryKind, JournalEntry, JournalLine } from './types.js';

/**
 * The chart of accounts. `cash` is money held through the payment providers, `sales` the revenue
 * it came from, `commissions` the commission expense, and `referrer:<id>` what is owed to a
 * referrer (a credit) or, after a clawback, owed by them (a debit).
 */
export const ACCOUNT = {
  cash: 'cash',
  sales: 'sales',
  commissions: 'commissions',
  referrer: (id: string) => `referrer:${id}`,
} as const;

export interface EntryDraft {
  id: string;
  kind: EntryKind;
  at: number;
  currency: string;
  order: string | null;
  referrer: string | null;
  lines: JournalLine[];
}

/**
 * Posts an entry once (by id). An entry that does not balance, or holds anything but safe
 * integers, is a bug in the ledger: it throws before anything is written.
 */
export function post(journal: JournalEntry[], draft: EntryDraft): boolean {
  let sum = 0;
  for (const l of draft.lines) {
    if (!Number.isSafeInteger(l.amount))
      throw new Error(`journal ${draft.id}: ${l.amount} is not minor units`);
    sum += l.amount;
  }
  if (sum !== 0) throw new Error(`journal ${draft.id} does not balance (${sum})`);
  if (journal.some((e) => e.id === draft.id)) return false;
  journal.push({ ...draft, lines: draft.lines.map((l) => ({ ...l })) });
  return true;
}

/** A two-line entry: `amount` debited to `debit` and credited to `credit`. */
export function transfer(
  head: Omit<EntryDraft, 'lines'>,
  debit: string,
  credit: string,
  amount: number,
): EntryDraft {
  return {
    ...head,
    lines: [
      { account: debit, amount },
      { account: credit, amount: -amount },
    ],
  };
}

/** The balance of an account over entries (optionally of one currency). */
export function balance(journal: readonly JournalEntry[], account: string, currency?: string): number {
  let sum = 0;
  for (const e of journal) {
    if (currency !== undefined && e.currency !== currency) continue;
    for (const l of e.lines) if (l.account === account) sum += l.amount;
  }
  return sum;
}
