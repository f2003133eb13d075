import type { CompiledCap } from '../compile/types.js';
import { windowTime } from '../kernel/delivery.js';
import type { OutboxEntry, Recipient } from '../model/effect.js';
import { EFFECTS } from '../model/effect.js';
import type { DeliveryResult, Effects } from '../ports/effects.js';
import type { Store } from '../ports/store.js';
import { backoffMs, type RetryPolicy } from './backoff.js';

const GROUP_SENDS = 'group-sends';

export interface DispatchReport {
  delivered: number;
  failed: number;
  dead: number;
  deferred: number;
  skipped: number;
}

/**
 * What became of one effect handed to `deliverOne`: a dispatch outcome, or why nothing was sent —
 * `settled` (already delivered, dead or skipped: a repeat absorbed), `not-due` (pending until
 * `availableAt`), `missing` (no such effect).
 */
export interface EffectDelivery {
  outcome: keyof DispatchReport | 'settled' | 'not-due' | 'missing';
  attempts: number;
  /** When a still-pending effect is due (after a failure, a deferral, or not yet due); else null. */
  availableAt: number | null;
  lastError: string | null;
}

/**
 * Delivers due outbox entries: at least once, each with its idempotency key; failures retry with
 * backoff and jitter until `maxAttempts`, then go to the dead-letter list. Group messages obey the
 * shared per-group cap here, at send time, because it spans every member's journeys.
 */
export class Dispatcher {
  constructor(
    private readonly store: Store,
    private readonly effects: Effects,
    private readonly retry: RetryPolicy,
    private readonly groupCap: (tenant: string) => CompiledCap | null,
  ) {}

  /** Applies the group cap; returns the time the message may go, or 'skip'. */
  private async groupGate(entry: OutboxEntry, now: number): Promise<number | 'skip'> {
    const e = entry.effect;
    if (e.type !== EFFECTS.send || e.data.critical === true) return now;
    const to = e.data.to as Recipient | undefined;
    if (to?.kind !== 'group' || to.group === null) return now;
    const cap = this.groupCap(e.tenant);
    if (cap === null) return now;
    let decision: number | 'skip' = now;
    await this.store.updateShared<number[]>(e.tenant, GROUP_SENDS, to.group, (cur) => {
      const log = cur ?? [];
      decision = windowTime(cap, log, now);
      if (decision === now) {
        log.push(now);
        if (log.length > cap.max) log.splice(0, log.length - cap.max);
      }
      return log;
    });
    return decision;
  }

  async dispatch(now: number, limit = 1000): Promise<DispatchReport> {
    const report: DispatchReport = { delivered: 0, failed: 0, dead: 0, deferred: 0, skipped: 0 };
    const due = await this.store.dueEffects(now, limit);
    for (const entry of due) {
      const [outcome] = await this.deliverEntry(entry, now);
      report[outcome]++;
    }
    return report;
  }

  /**
   * Delivers one effect by key, for a queue that hands effects out one by one (a job per effect):
   * only a pending effect that is due is attempted, so a repeated job for an effect already
   * delivered, dead-lettered or skipped sends nothing. A rate-limit wait is a deferral here, not
   * a spent attempt.
   */
  async deliverOne(tenant: string, key: string, now: number): Promise<EffectDelivery> {
    const entry = await this.store.getEffect(tenant, key);
    if (entry === undefined) return { outcome: 'missing', attempts: 0, availableAt: null, lastError: null };
    if (entry.status !== 'pending' || entry.availableAt > now) {
      return {
        outcome: entry.status === 'pending' ? 'not-due' : 'settled',
        attempts: entry.attempts,
        availableAt: entry.status === 'pending' ? entry.availableAt : null,
        lastError: entry.lastError,
      };
    }
    const [outcome, u] = await this.deliverEntry(entry, now, false);
    return {
      outcome,
      attempts: u.attempts,
      availableAt: u.status === 'pending' ? u.availableAt : null,
      lastError: u.lastError,
    };
  }

  /**
   * `waitIsAttempt`: whether a wait asked for by a rate limit (`retryAfterMs`) spends an attempt.
   * One effect per job (`deliverOne`) says no: its retry may land on another worker, which
   * reserves a slot anew, and a busy connection must not dead-letter sends that only waited.
   */
  private async deliverEntry(
    entry: OutboxEntry,
    now: number,
    waitIsAttempt = true,
  ): Promise<[keyof DispatchReport, Parameters<Store['settleEffect']>[2]]> {
    const e = entry.effect;
    const gate = await this.groupGate(entry, now);
    if (gate === 'skip') {
      return this.settleAs('skipped', entry, {
        status: 'skipped',
        attempts: entry.attempts,
        availableAt: now,
        lastError: 'group-cap',
        settledAt: now,
      });
    }
    if (gate > now) {
      return this.settleAs('deferred', entry, {
        status: 'pending',
        attempts: entry.attempts,
        availableAt: gate,
        lastError: null,
        settledAt: null,
      });
    }
    const attempt = entry.attempts + 1;
    let result: DeliveryResult;
    try {
      result = await this.effects.deliver(e, attempt);
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (result.ok) {
      return this.settleAs('delivered', entry, {
        status: 'delivered',
        attempts: attempt,
        availableAt: now,
        lastError: null,
        settledAt: now,
      });
    }
    if (!waitIsAttempt && result.retryable !== false && result.retryAfterMs !== undefined) {
      return this.settleAs('deferred', entry, {
        status: 'pending',
        attempts: entry.attempts,
        availableAt: now + result.retryAfterMs,
        lastError: result.error,
        settledAt: null,
      });
    }
    if (result.retryable === false || attempt >= this.retry.maxAttempts) {
      return this.settleAs('dead', entry, {
        status: 'dead',
        attempts: attempt,
        availableAt: now,
        lastError: result.error,
        settledAt: now,
      });
    }
    const delay = result.retryAfterMs ?? backoffMs(this.retry, attempt, e.key);
    return this.settleAs('failed', entry, {
      status: 'pending',
      attempts: attempt,
      availableAt: now + delay,
      lastError: result.error,
      settledAt: null,
    });
  }

  private async settleAs(
    outcome: keyof DispatchReport,
    entry: OutboxEntry,
    u: Parameters<Store['settleEffect']>[2],
  ): Promise<[keyof DispatchReport, Parameters<Store['settleEffect']>[2]]> {
    await this.settle(entry, u);
    return [outcome, u];
  }

  private async settle(entry: OutboxEntry, u: Parameters<Store['settleEffect']>[2]): Promise<void> {
    await this.store.settleEffect(entry.effect.tenant, entry.effect.key, u);
  }

  /** Puts a dead-lettered effect back in line for a fresh round of attempts. */
  async retryDead(tenant: string, key: string, now: number): Promise<boolean> {
    const entry = await this.store.getEffect(tenant, key);
    if (entry === undefined || entry.status !== 'dead') return false;
    await this.settle(entry, {
      status: 'pending',
      attempts: 0,
      availableAt: now,
      lastError: entry.lastError,
      settledAt: null,
    });
    return true;
  }
}
