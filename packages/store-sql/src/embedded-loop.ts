import type { Runtime, TickReport } from '@kith/engine';
import type { SqlScheduler } from './scheduler.js';
import type { SqlStore } from './store.js';

export interface EmbeddedLoopOptions {
  runtime: Runtime;
  /** The runtime's scheduler (timers persisted in the store's database). */
  scheduler: SqlScheduler;
  /** The runtime's store. */
  store: SqlStore;
  /**
   * The longest sleep between two looks, in ms (default 2000): bounds how late the loop sees work
   * it was not told about — an effect claim that expired, a row written by another process.
   */
  pollMs?: number;
  /**
   * Before the first tick, `runtime.recover` every tenant with a published version (default
   * true): recompiles their playbooks and re-arms timers taken by a process that died before
   * firing them. Re-arming replaces by key, so nothing fires twice.
   */
  recover?: boolean;
  /** A tick or a look at the next due time failed; the loop goes on after `pollMs`. Default: console.error. */
  onError?: (error: unknown) => void;
  /** Every tick's report (metrics, logs). */
  onTick?: (report: TickReport) => void;
}

export interface EmbeddedLoop {
  /**
   * Runs a tick now (or right after the one in progress) and resolves when that tick has finished:
   * work queued before the call is then done. Rejects if that tick failed or the loop stopped.
   */
  wake(): Promise<void>;
  /** Finishes the tick in progress, if any, and stops; the loop's listeners are removed. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/** A tick that did nothing while something looks due (clock skew, a row another process holds). */
const IDLE_RETRY_MS = 50;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The embedded mode's driver: one loop in the serving process that ticks the runtime whenever a
 * timer or an effect is due — it sleeps until the earliest of them (at most `pollMs`) and wakes
 * early when this process schedules an earlier timer or queues an effect.
 */
export function startEmbeddedLoop(options: EmbeddedLoopOptions): EmbeddedLoop {
  const pollMs = options.pollMs ?? 2000;
  if (!Number.isFinite(pollMs) || pollMs <= 0)
    throw new RangeError(`startEmbeddedLoop: pollMs must be a number of milliseconds > 0, got ${pollMs}`);
  const { runtime, scheduler, store } = options;
  const clock = runtime.clock;
  const onError = options.onError ?? ((error: unknown) => console.error('kith embedded loop:', error));

  let stopped = false;
  let waiters: Waiter[] = [];
  let sleep: { until: number; timer: NodeJS.Timeout; done: () => void } | null = null;

  const interrupt = (): void => {
    if (sleep === null) return;
    clearTimeout(sleep.timer);
    sleep.done();
  };
  // work this process adds while the loop sleeps; during a tick the next look reads it anyway
  const onWork = (at: number): void => {
    if (sleep !== null && at < sleep.until) interrupt();
  };
  const unsubscribe = [scheduler.onScheduled(onWork), store.onEffects(onWork)];

  const nap = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (): void => {
        sleep = null;
        resolve();
      };
      sleep = { until: clock.now() + ms, timer: setTimeout(done, ms), done };
    });

  const delayAfter = async (report: TickReport): Promise<number> => {
    const [t, e] = await Promise.all([scheduler.nextAt(), store.nextEffectAt()]);
    const next = Math.min(t ?? Number.POSITIVE_INFINITY, e ?? Number.POSITIVE_INFINITY);
    const ms = Math.min(pollMs, Math.max(0, next - clock.now()));
    const didWork = report.timers > 0 || Object.values(report.effects).some((n) => n > 0);
    return ms === 0 && !didWork ? Math.min(pollMs, IDLE_RETRY_MS) : ms;
  };

  const startUp = async (): Promise<void> => {
    // embedded PGlite has one process: a claim still open is from a run that died
    if (store.sql.dialect === 'pglite') await store.requeueClaimed();
    if (options.recover ?? true)
      for (const tenant of await store.publishedTenants()) await runtime.recover(tenant);
  };

  const run = async (): Promise<void> => {
    try {
      await startUp();
    } catch (error) {
      onError(error);
    }
    while (!stopped) {
      const served = waiters;
      waiters = [];
      let delay = pollMs;
      try {
        const report = await runtime.tick();
        options.onTick?.(report);
        for (const w of served) w.resolve();
        delay = await delayAfter(report);
      } catch (error) {
        for (const w of served) w.reject(error);
        onError(error);
      }
      if (!stopped && waiters.length === 0 && delay > 0) await nap(delay);
    }
    const left = waiters;
    waiters = [];
    for (const w of left) w.reject(new Error('the embedded loop stopped before it ran again'));
  };

  const done = run();

  return {
    get running() {
      return !stopped;
    },
    wake(): Promise<void> {
      if (stopped) return Promise.reject(new Error('the embedded loop is stopped'));
      const p = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      interrupt();
      return p;
    },
    async stop(): Promise<void> {
      if (!stopped) {
        stopped = true;
        for (const u of unsubscribe) u();
        interrupt();
      }
      await done;
    },
  };
}
