import type { Store } from '../../ports/store.js';
import { newSales, type OfferSales, SALES } from './sales.js';

/** Reads an offer's sales record (stock held, campaign rounds). */
export function readSales(store: Store, tenant: string, offer: string): Promise<OfferSales | undefined> {
  return store.readShared<OfferSales>(tenant, SALES, offer);
}

/** Changes an offer's sales record atomically (created empty on first use). */
export async function updateSales<R>(
  store: Store,
  tenant: string,
  offer: string,
  change: (s: OfferSales) => R,
): Promise<R> {
  let result: R | undefined;
  await store.updateShared<OfferSales>(tenant, SALES, offer, (cur) => {
    const s = cur ?? newSales(offer);
    result = change(s);
    return s;
  });
  return result as R;
}
