import { release, remaining } from '../ledger/accounts.js';
import { Ledger } from '../ledger/ledger.js';
import type { ServiceHandler } from '../types.js';

export const REFERRALS_RELEASE = 'referrals.release';

/**
 * A hold ended: the member's commissions due by now become payable; answers with those this
 * timer's call released (the same ones again if the call is retried, none to any other call).
 */
const releaseDue: ServiceHandler = async (req, env) => {
  const ledger = new Ledger(env.store, req.tenant);
  const by = `${req.service}:${req.member}:${req.token ?? ''}`;
  const released = await ledger.updateAccount(req.member, (a) =>
    release(a, env.now, by).map((e) => ({
      entry: e.id,
      orderId: e.order,
      offer: e.offer,
      level: e.level,
      amount: remaining(e),
      currency: e.currency,
    })),
  );
  return { released };
};

export const REFERRAL_SERVICES: Readonly<Record<string, ServiceHandler>> = {
  [REFERRALS_RELEASE]: releaseDue,
};
