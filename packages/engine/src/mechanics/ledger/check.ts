import { standing } from './accounts.js';
import { ACCOUNT, balance } from './journal.js';
import type { Ledger } from './ledger.js';
import { kept, primaryPayment, refundedOf } from './orders.js';
import type { JournalEntry } from './types.js';

function entryProblems(where: string, journal: readonly JournalEntry[]): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  for (const e of journal) {
    if (ids.has(e.id)) out.push(`${where}: entry ${e.id} posted twice`);
    ids.add(e.id);
    let sum = 0;
    for (const l of e.lines) {
      if (!Number.isSafeInteger(l.amount)) out.push(`${where}: ${e.id} has a non-integer amount ${l.amount}`);
      sum += l.amount;
    }
    if (sum !== 0) out.push(`${where}: ${e.id} does not balance (${sum})`);
  }
  return out;
}

/**
 * The ledger's invariants, as a list of what is wrong (empty: it balances). Every entry balances
 * and holds integers; per order, cash equals payments captured less refunds (never negative) and
 * an order that kept nothing keeps no commission; per entry, its journal nets to what it earned less
 * what was taken back; per referrer, what is owed equals pending + payable − debt, none negative.
 */
export async function checkLedger(ledger: Ledger): Promise<string[]> {
  const out: string[] = [];
  const earnedByOrder = new Map<string, number>();
  for await (const a of ledger.accounts()) {
    const where = `referrer ${a.id}`;
    out.push(...entryProblems(where, a.journal));
    for (const cur of new Set(a.entries.map((e) => e.currency))) {
      const s = standing(a, cur);
      const owed = -balance(a.journal, ACCOUNT.referrer(a.id), cur);
      if (owed !== s.pending + s.payable - s.debt)
        out.push(
          `${where}: owes ${owed} ${cur} but pending ${s.pending} + payable ${s.payable} − debt ${s.debt}`,
        );
      if (s.pending < 0 || s.payable < 0 || s.debt < 0) out.push(`${where}: a negative balance in ${cur}`);
    }
    for (const e of a.entries) {
      const ints = [e.amount, e.reversed, e.clawedBack, e.base];
      if (!ints.every((v) => Number.isSafeInteger(v) && v >= 0))
        out.push(`${where}: ${e.id} has a bad amount`);
      if (e.reversed + e.clawedBack > e.amount) out.push(`${where}: ${e.id} took back more than it earned`);
      earnedByOrder.set(e.order, (earnedByOrder.get(e.order) ?? 0) + e.amount - e.reversed - e.clawedBack);
      const own = (j: JournalEntry) =>
        j.id === `com:${e.id}` ||
        j.id.startsWith(`reversal:${e.id}:`) ||
        j.id.startsWith(`clawback:${e.id}:`);
      const c = balance(a.journal.filter(own), ACCOUNT.commissions);
      if (c !== e.amount - e.reversed - e.clawedBack) out.push(`${where}: ${e.id} nets ${c} in the journal`);
    }
  }
  for await (const o of ledger.orders()) {
    const where = `order ${o.id}`;
    out.push(...entryProblems(where, o.journal));
    const captured = o.payments.filter((p) => p.state === 'captured').reduce((s, p) => s + p.amount, 0);
    const refunded = o.refunds.reduce((s, r) => s + r.amount, 0);
    const cash = balance(o.journal, ACCOUNT.cash);
    if (cash !== captured - refunded)
      out.push(`${where}: cash ${cash} ≠ captured ${captured} − refunded ${refunded}`);
    if (cash < 0 || balance(o.journal, ACCOUNT.sales) !== -cash)
      out.push(`${where}: sales and cash disagree`);
    for (const p of o.payments) {
      if (refundedOf(o, p.id) > p.amount) out.push(`${where}: payment ${p.id} refunded beyond its amount`);
    }
    if (new Set(o.payments.map((p) => p.id)).size !== o.payments.length)
      out.push(`${where}: a payment twice`);
    const net = earnedByOrder.get(o.id) ?? 0;
    if (net < 0) out.push(`${where}: commissions net ${net}`);
    const gone = o.status === 'cancelled' || primaryPayment(o) === undefined || kept(o) === 0;
    if (gone && net !== 0) out.push(`${where}: nothing kept, yet commissions of ${net} stand`);
  }
  return out;
}
