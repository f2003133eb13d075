import type { Timer } from '@kith/engine';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { currentJobsKey, DEFAULT_QUEUE_NAME, FORGET_SCRIPT, timerSlot } from './scheduler.js';

export interface TimerWorkerOptions {
  /** An ioredis instance with `maxRetriesPerRequest: null`; BullMQ duplicates it for blocking reads. */
  connection: Redis;
  queueName?: string;
  prefix?: string;
  /** Timers fired in parallel by this worker (default 1; run more workers to scale out). */
  concurrency?: number;
  /** Called with a failed timer once BullMQ has no attempts left. */
  onFailed?: (timer: Timer, error: Error) => void;
  /** How long a job is locked to a worker that stops renewing it (died): it is then retried (default 30 s). */
  lockDurationMs?: number;
  /** Times a job may be taken back from a dead worker before it fails (default 1). */
  maxStalledCount?: number;
}

/** What the handler is told about the job besides its timer. */
export interface TimerJobInfo {
  /** A previous attempt started (and threw, or its worker died): its commit may have landed. */
  retried: boolean;
}

/**
 * Consumes due timers from a BullScheduler's queue and hands each to `handler` (the Runtime's
 * `fire`). A throwing handler makes BullMQ retry the job with the scheduler's backoff. Any number
 * of workers, in any number of processes, may share the queue: BullMQ locks each job to one.
 */
export class TimerWorker {
  readonly worker: Worker<Timer>;

  constructor(handler: (timer: Timer, job: TimerJobInfo) => Promise<void>, options: TimerWorkerOptions) {
    const name = options.queueName ?? DEFAULT_QUEUE_NAME;
    const current = currentJobsKey(options.prefix, name);
    const redis = options.connection;
    this.worker = new Worker<Timer>(
      name,
      async (job) => {
        await handler(job.data, { retried: job.attemptsStarted > 1 });
        // Fired: forget it as the key's current job, unless the handler already re-armed the key.
        const t = job.data;
        await redis.eval(FORGET_SCRIPT, 1, current, timerSlot(t.tenant, t.key), job.id ?? '');
      },
      {
        connection: options.connection,
        concurrency: options.concurrency ?? 1,
        ...(options.lockDurationMs === undefined
          ? {}
          : { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs }),
        ...(options.maxStalledCount === undefined ? {} : { maxStalledCount: options.maxStalledCount }),
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      },
    );
    this.worker.on('failed', (job, error) => {
      if (
        job !== undefined &&
        options.onFailed !== undefined &&
        job.attemptsMade >= (job.opts.attempts ?? 1)
      ) {
        options.onFailed(job.data, error);
      }
    });
    // Without a listener an 'error' event (a dropped connection) would crash the process;
    // ioredis reconnects and BullMQ resumes on its own.
    this.worker.on('error', () => {});
  }

  /** Resolves once the worker is connected and fetching. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /**
   * Graceful: stops taking new timers and waits for those being fired to finish, so none is
   * left half-done (a killed process's jobs are instead retried when their lock expires).
   */
  async close(): Promise<void> {
    await this.worker.close();
  }
}
