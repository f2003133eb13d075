import type { Store } from '../../ports/store.js';
import { newAccount } from './accounts.js';
import type { LedgerOrder, ReferrerAccount } from './types.js';

/** Shared-record namespaces of the ledger in the Store. */
export const LEDGER_ORDERS = 'ledger.orders';
export const LEDGER_ACCOUNTS = 'ledger.referrers';

/**
 * The ledger of one tenant, kept in the Store as shared records (one per order, one per referrer)
 * updated atomically: what services write through and what reports and the API read. Records
 * handed out are the stored ones: read them, do not change them.
 *
 * @example
 * const ledger = new Ledger(store, 'acme');
 * const order = await ledger.order('ann:starter:1@pitch');
 */
export class Ledger {
  constructor(
    readonly store: Store,
    readonly tenant: string,
  ) {}

  order(id: string): Promise<LedgerOrder | undefined> {
    return this.store.readShared<LedgerOrder>(this.tenant, LEDGER_ORDERS, id);
  }

  account(referrer: string): Promise<ReferrerAccount | undefined> {
    return this.store.readShared<ReferrerAccount>(this.tenant, LEDGER_ACCOUNTS, referrer);
  }

  async *orders(): AsyncIterable<LedgerOrder> {
    for await (const [, o] of this.store.listShared<LedgerOrder | undefined>(this.tenant, LEDGER_ORDERS))
      if (o !== undefined) yield o;
  }

  async *accounts(): AsyncIterable<ReferrerAccount> {
    for await (const [, a] of this.store.listShared<ReferrerAccount>(this.tenant, LEDGER_ACCOUNTS)) yield a;
  }

  /**
   * Changes an order atomically; `change` returns what the caller wants to know. An order that
   * does not exist is created by `create` first (or, without it, `change` is not called).
   */
  async updateOrder<R>(
    id: string,
    change: (o: LedgerOrder) => R,
    create?: () => LedgerOrder,
  ): Promise<{ order: LedgerOrder; result: R } | undefined> {
    if (create === undefined && (await this.order(id)) === undefined) return undefined;
    let result: { order: LedgerOrder; result: R } | undefined;
    await this.store.updateShared<LedgerOrder | undefined>(this.tenant, LEDGER_ORDERS, id, (cur) => {
      const o = cur ?? create?.();
      if (o !== undefined) result = { order: o, result: change(o) };
      return o;
    });
    return result;
  }

  /** Changes a referrer's account atomically (created empty on first use). */
  async updateAccount<R>(referrer: string, change: (a: ReferrerAccount) => R): Promise<R> {
    let result: R | undefined;
    await this.store.updateShared<ReferrerAccount>(this.tenant, LEDGER_ACCOUNTS, referrer, (cur) => {
      const a = cur ?? newAccount(referrer);
      result = change(a);
      return a;
    });
    return result as R;
  }
}
