import type { Activity, ActivityBus } from '../contract.js';
import type { LiveCounts } from './counts.js';

/** One live viewer: an SSE stream. */
export interface LiveFeed {
  counts(c: LiveCounts | null): void;
  activity(a: Activity): void;
}

export interface LiveHubOptions {
  /** Least time between two `counts` of a tenant (default 1 s). */
  intervalMs?: number;
  /** Reports a failed count (it is retried at the next change). */
  onError?: (tenant: string, error: unknown) => void;
  /** Milliseconds; tests pass a fixed clock. */
  now?: () => number;
}

type Compute = (tenant: string) => Promise<LiveCounts | null>;

interface TenantFeed {
  feeds: Set<LiveFeed>;
  dirty: boolean;
  computing: boolean;
  /** A large tenant's count takes long: the next one waits in proportion. */
  notBefore: number;
  timer: ReturnType<typeof setInterval>;
  unsubscribe: () => void;
}

/**
 * Fans the bus out to a tenant's live viewers and counts at most once per interval, and only
 * while something changed: every viewer of a tenant shares one count. Nothing runs for a tenant
 * nobody watches; the last viewer leaving stops its timer and bus subscription.
 */
export class LiveHub {
  private readonly tenants = new Map<string, TenantFeed>();
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly bus: ActivityBus,
    private readonly compute: Compute,
    private readonly options: LiveHubOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Viewers of a tenant now. */
  viewers(tenant: string): number {
    return this.tenants.get(tenant)?.feeds.size ?? 0;
  }

  /** Adds a viewer; it gets the counts now, then changes. Returns the function that removes it. */
  subscribe(tenant: string, feed: LiveFeed): () => void {
    let t = this.tenants.get(tenant);
    if (t === undefined) {
      const created: TenantFeed = {
        feeds: new Set(),
        dirty: false,
        computing: false,
        notBefore: 0,
        timer: setInterval(() => this.tick(tenant), this.intervalMs),
        unsubscribe: this.bus.subscribe(tenant, (a) => {
          created.dirty = true;
          for (const f of created.feeds) f.activity(a);
        }),
      };
      created.timer.unref?.();
      t = created;
      this.tenants.set(tenant, t);
    }
    t.feeds.add(feed);
    // a newcomer's first count is its own: it must not wait for the next change
    this.compute(tenant).then(
      (c) => feed.counts(c),
      (e: unknown) => this.options.onError?.(tenant, e),
    );
    return () => this.remove(tenant, feed);
  }

  private remove(tenant: string, feed: LiveFeed): void {
    const t = this.tenants.get(tenant);
    if (t === undefined || !t.feeds.delete(feed) || t.feeds.size > 0) return;
    clearInterval(t.timer);
    t.unsubscribe();
    this.tenants.delete(tenant);
  }

  /** Stops every tenant's timer (server shutdown). */
  close(): void {
    for (const [tenant, t] of this.tenants) {
      clearInterval(t.timer);
      t.unsubscribe();
      this.tenants.delete(tenant);
    }
  }

  private tick(tenant: string): void {
    const t = this.tenants.get(tenant);
    if (t === undefined || !t.dirty || t.computing || this.now() < t.notBefore) return;
    t.dirty = false;
    t.computing = true;
    const started = this.now();
    this.compute(tenant)
      .then(
        (c) => {
          for (const f of t.feeds) f.counts(c);
        },
        (e: unknown) => {
          t.dirty = true;
          this.options.onError?.(tenant, e);
        },
      )
      .finally(() => {
        t.computing = false;
        const took = this.now() - started;
        t.notBefore = this.now() + 4 * took;
      });
  }
}
