/** Failures the sandbox can inject, to test retries, dead letters and rate limiting. */
export type SandboxFailure =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'server-error' }
  | { kind: 'auth' };

export interface FaultOptions {
  /** Fail every Nth API call with a 503 (e.g. 3: the 3rd, 6th, … call). */
  failEvery?: number;
  /**
   * The provider's own limit on sends per group (or per member for direct messages): beyond it,
   * 429 with Retry-After, as chat providers answer.
   */
  rateLimit?: { max: number; perMs: number };
}

/** Decides whether an API call fails: a queued `failNext`, every Nth call, or the provider's limit. */
export class Faults {
  private readonly queued: SandboxFailure[] = [];
  private calls = 0;
  private readonly sendLog = new Map<string, number[]>();

  constructor(private readonly options: FaultOptions) {}

  failNext(failure: SandboxFailure): void {
    this.queued.push(failure);
  }

  /** For any API call. */
  onCall(): SandboxFailure | null {
    this.calls += 1;
    const q = this.queued.shift();
    if (q !== undefined) return q;
    const n = this.options.failEvery ?? 0;
    return n > 0 && this.calls % n === 0 ? { kind: 'server-error' } : null;
  }

  /** For a send to `key` at `now`: 429 when the provider's window is full, else records the send. */
  onSend(key: string, now: number): SandboxFailure | null {
    const limit = this.options.rateLimit;
    if (limit === undefined) return null;
    const log = (this.sendLog.get(key) ?? []).filter((t) => t > now - limit.perMs);
    if (log.length >= limit.max) {
      this.sendLog.set(key, log);
      return { kind: 'rate-limited', retryAfterMs: log[0]! + limit.perMs - now };
    }
    log.push(now);
    this.sendLog.set(key, log);
    return null;
  }
}
