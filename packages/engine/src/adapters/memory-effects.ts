import type { Effect, MessageData } from '../model/effect.js';
import type { Clock } from '../ports/clock.js';
import type { DeliveryResult, Effects } from '../ports/effects.js';

export interface Attempt {
  key: string;
  attempt: number;
  ok: boolean;
}

type Rule = (effect: Effect, attempt: number) => DeliveryResult | undefined;

/**
 * Effects that are recorded instead of sent, like a provider that honours idempotency keys: a key
 * delivered twice shows up once in `delivered`, while `attempts` keeps every try. Failures can be
 * scripted per effect.
 */
export class MemoryEffects implements Effects {
  readonly delivered: Effect[] = [];
  readonly attempts: Attempt[] = [];
  private readonly keys = new Set<string>();
  private readonly rules: Rule[] = [];
  private readonly times = new Map<string, number>();

  /** With a clock, each delivery's time is recorded (`deliveredAt`). */
  constructor(private readonly clock?: Clock) {}

  /** Answers with `rule`'s result whenever it returns one (first matching rule wins). */
  failWhen(rule: Rule): this {
    this.rules.push(rule);
    return this;
  }

  clearFailures(): this {
    this.rules.length = 0;
    return this;
  }

  async deliver(effect: Effect, attempt: number): Promise<DeliveryResult> {
    for (const rule of this.rules) {
      const r = rule(effect, attempt);
      if (r !== undefined && !r.ok) {
        this.attempts.push({ key: effect.key, attempt, ok: false });
        return r;
      }
    }
    this.attempts.push({ key: effect.key, attempt, ok: true });
    if (!this.keys.has(effect.key)) {
      this.keys.add(effect.key);
      this.delivered.push(effect);
      this.times.set(effect.key, this.clock?.now() ?? effect.notBefore);
    }
    return { ok: true };
  }

  of(type: string): Effect[] {
    return this.delivered.filter((e) => e.type === type);
  }

  /** Delivered messages, optionally for one member. */
  messages(member?: string): (MessageData & { key: string; member: string | null; at: number })[] {
    return this.delivered
      .filter((e) => e.type === 'message.send' && (member === undefined || e.member === member))
      .map((e) => ({
        ...(e.data as unknown as MessageData),
        key: e.key,
        member: e.member,
        at: this.deliveredAt(e.key),
      }));
  }

  /** When the effect with this key was delivered (the clock's time), or NaN if it was not. */
  deliveredAt(key: string): number {
    return this.times.get(key) ?? Number.NaN;
  }

  reset(): void {
    this.delivered.length = 0;
    this.attempts.length = 0;
    this.keys.clear();
    this.times.clear();
  }
}
