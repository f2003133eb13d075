import type { ServiceRequest } from '../../kernel/outcome.js';
import type { Effect } from '../../model/effect.js';
import type { ServiceEnv } from '../types.js';
import { Ledger } from './ledger.js';

/**
 * What the money services work with during one call: the ledger, the effects they decide (put in
 * the outbox at the end of the call), and the events they send to members. `token` identifies the
 * call: a transition records it, so a retry of the same call sends the same events again (with the
 * same ids, so members see them once) while any other call that finds the transition done does not.
 */
export class MoneyContext {
  readonly ledger: Ledger;
  readonly tenant: string;
  readonly now: number;
  readonly effects: Effect[] = [];

  constructor(
    readonly env: ServiceEnv,
    tenant: string,
    readonly token: string,
  ) {
    this.tenant = tenant;
    this.ledger = new Ledger(env.store, tenant);
    this.now = env.now;
  }

  static of(req: ServiceRequest, env: ServiceEnv): MoneyContext {
    return new MoneyContext(env, req.tenant, `${req.service}:${req.member}:${req.token ?? ''}`);
  }

  notify(member: string, type: string, data: Record<string, unknown>): void {
    this.env.forward({ type, member, data });
  }

  /** Puts the effects decided in this call into the outbox (a key already there is ignored). */
  async flush(): Promise<void> {
    if (this.effects.length > 0) await this.env.store.enqueueEffects(this.effects.splice(0));
  }
}
