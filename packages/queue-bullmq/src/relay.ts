import type { OutboxEntry } from '@kith/engine';
import type { Redis } from 'ioredis';
import { enqueueEffects } from './effects.js';
import type { EventDrains } from './events.js';
import type { FairQueue } from './fair.js';
import type { EventInbox } from './inbox.js';
import type { EffectJobData } from './jobs.js';
import { errorText, type WorkerLog } from './log.js';
import { redisRunId } from './redis.js';

/** What the relay needs from the store: the outbox's claim, and a way to undo lost claims. */
export interface RelayStore {
  /** Claims pending effects due by `now` (each handed out once until settled). */
  dueEffects(now: number, limit: number): Promise<OutboxEntry[]>;
  /**
   * Puts every claimed, unsettled effect back in line (SqlStore). Without it, an effect whose job
   * Redis lost is not re-enqueued until the store's own claim timeout returns it.
   */
  requeueClaimed?(): Promise<number>;
  /** Tenants with a published playbook (SqlStore): whose timers to set again after a Redis loss. */
  publishedTenants?(): Promise<string[]>;
  /**
   * Makes the store claim, at commit, the effects that are due already and hand them over once
   * committed (SqlStore): the worker delivers them at once, not through the relay and an effect
   * job. Claims the process does not settle expire and go back in line. Returns the unsubscribe.
   */
  onCommittedEffects?(listener: (effects: { tenant: string; key: string }[]) => void): () => void;
  /**
   * Claims an effect that is back in line for this process, as a commit's claim (SqlStore); false
   * if another process has it. Lets a worker wait out a short rate-limit pause itself.
   */
  reclaimEffect?(tenant: string, key: string): Promise<boolean>;
}

export interface RelayOptions {
  /** Pause between outbox polls when the last one found less than a batch (default 100 ms). */
  pollMs?: number;
  /** Effects claimed per poll (default 1000). */
  batch?: number;
  /** How often saved-but-not-ingested events and claimed effects are enqueued again (default 60 s). */
  sweepMs?: number;
  /** Saved events looked at per sweep, oldest first: their tenants get a drain job (default 10,000). */
  sweepLimit?: number;
  /** How often Redis is asked whether it restarted (default 2 s). */
  restartCheckMs?: number;
}

export interface RelayStats {
  effectsEnqueued: number;
  /** Drain jobs asked for by sweeps (a tenant with saved events not yet run). */
  eventsEnqueued: number;
  /** Claimed effects put back in line by sweeps (their jobs may have been lost). */
  requeued: number;
  redisRestarts: number;
}

/**
 * Keeps Redis in step with the store, which is the source of truth: claims due outbox rows and
 * enqueues a job per effect; sweeps (at start, periodically, and when Redis restarted) ask for a
 * drain job for every tenant with saved events not yet ingested, and re-enqueue effects claimed
 * but never settled. Enqueueing what is already
 * queued is a no-op (deterministic job ids), and a job for a settled effect sends nothing, so
 * sweeping is always safe. Every worker process runs one; their claims skip each other's rows.
 */
export class OutboxRelay {
  readonly stats: RelayStats = { effectsEnqueued: 0, eventsEnqueued: 0, requeued: 0, redisRestarts: 0 };
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private runId: string | undefined;
  private sweepDue = true;
  private restartDue = false;
  private lastSweep = 0;
  private lastRunCheck = 0;
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly sweepMs: number;
  private readonly sweepLimit: number;
  private readonly restartCheckMs: number;

  constructor(
    private readonly store: RelayStore,
    private readonly inbox: EventInbox,
    private readonly drains: EventDrains,
    private readonly effects: FairQueue<EffectJobData>,
    private readonly redis: Redis,
    private readonly now: () => number,
    private readonly log: WorkerLog,
    /** Sets again what only Redis held (timers) after it restarted; run by one process per restart. */
    private readonly onRestart: (runId: string) => Promise<void>,
    options: RelayOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 100;
    this.batch = options.batch ?? 1000;
    this.sweepMs = options.sweepMs ?? 60_000;
    this.sweepLimit = options.sweepLimit ?? 10_000;
    this.restartCheckMs = options.restartCheckMs ?? 2000;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let full = false;
      try {
        await this.checkRestart();
        if (this.restartDue && this.runId !== undefined) {
          await this.onRestart(this.runId);
          this.restartDue = false;
        }
        if (this.sweepDue || Date.now() - this.lastSweep >= this.sweepMs) await this.sweep();
        full = (await this.pass()) === this.batch;
        failures = 0;
      } catch (error) {
        // The store or Redis is away: say so once, then keep trying quietly with a longer pause.
        if (failures++ === 0) this.log('warn', `outbox relay: ${errorText(error)}; retrying`);
        this.sweepDue = true;
      }
      if (!full && !this.stopped) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, failures > 0 ? Math.min(5000, this.pollMs * 2 ** failures) : this.pollMs);
        });
      }
    }
  }

  /** Claims due effects and enqueues them; returns how many were claimed. */
  async pass(): Promise<number> {
    const due = await this.store.dueEffects(this.now(), this.batch);
    if (due.length === 0) return 0;
    try {
      this.stats.effectsEnqueued += await enqueueEffects(this.effects, due);
    } catch (error) {
      // Claimed but maybe not enqueued: the next sweep puts the claims back in line.
      this.sweepDue = true;
      throw error;
    }
    return due.length;
  }

  private async checkRestart(): Promise<void> {
    if (Date.now() - this.lastRunCheck < this.restartCheckMs) return;
    this.lastRunCheck = Date.now();
    const id = await redisRunId(this.redis);
    if (this.runId !== undefined && id !== this.runId) {
      this.stats.redisRestarts++;
      this.sweepDue = true;
      this.restartDue = true;
      this.log(
        'warn',
        'Redis restarted: re-enqueueing saved events, claimed effects and timers it may have lost',
      );
    }
    this.runId = id;
  }

  /** Enqueues again what Redis may have lost; safe to run at any time. */
  async sweep(): Promise<void> {
    if (this.store.requeueClaimed !== undefined) this.stats.requeued += await this.store.requeueClaimed();
    const refs = await this.inbox.pendingInbound(this.sweepLimit);
    this.stats.eventsEnqueued += await this.drains.request(refs.map((r) => r.tenant));
    this.sweepDue = false;
    this.lastSweep = Date.now();
  }
}
