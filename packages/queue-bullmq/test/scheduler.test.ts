import type { Timer } from '@kith/engine';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BullScheduler, currentJobsKey, DEFAULT_QUEUE_NAME, TimerWorker } from '../src/index.js';
import { connect, deleteKeys, testPrefix, until } from './helpers.js';

let redis: Redis;
let prefix: string;
let scheduler: BullScheduler;
const workers: TimerWorker[] = [];
const connections: Redis[] = [];

function timer(key: string, at: number, tenant = 't1'): Timer {
  return { key, tenant, member: 'ann', at, kind: 'wait', name: `token-${key}`, data: null };
}

beforeEach(async () => {
  redis = connect();
  prefix = testPrefix();
  scheduler = new BullScheduler({ connection: redis, prefix, backoffMs: 10 });
});

afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
  for (const c of connections.splice(0)) await c.quit();
  await scheduler.obliterate();
  await scheduler.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

function worker(handler: (t: Timer) => Promise<void>, concurrency = 1): TimerWorker {
  const connection = connect();
  connections.push(connection);
  const w = new TimerWorker(handler, { connection, prefix, concurrency });
  workers.push(w);
  return w;
}

describe('BullScheduler', () => {
  it('makes one job per timer key: scheduling twice dedupes, rescheduling replaces', async () => {
    const far = Date.now() + 3_600_000;
    await scheduler.schedule([timer('a', far), timer('a', far), timer('b', far + 1)]);
    await scheduler.schedule([timer('a', far)]);
    expect(await scheduler.queue.getDelayedCount()).toBe(2);
    await scheduler.schedule([timer('a', far + 5000)]);
    expect(await scheduler.queue.getDelayedCount()).toBe(2);
    const job = await scheduler.queue.getJob((await scheduler.jobId('t1', 'a'))!);
    expect(job?.data.at).toBe(far + 5000);
    expect(await scheduler.queue.getJobCountByTypes('waiting', 'delayed')).toBe(2);
    expect(await scheduler.nextAt()).toBe(far + 1);
    // The same key in another tenant is another timer.
    await scheduler.schedule([timer('a', far, 't2')]);
    expect(await scheduler.queue.getDelayedCount()).toBe(3);
  });

  it('cancels by key, and ignores unknown keys', async () => {
    const far = Date.now() + 3_600_000;
    await scheduler.schedule([timer('a', far), timer('b', far)]);
    await scheduler.cancel('t1', ['a', 'nope']);
    expect((await scheduler.pending()).map((t) => t.key)).toEqual(['b']);
    await scheduler.cancel('t2', ['b']);
    expect(await scheduler.queue.getDelayedCount()).toBe(1);
  });

  it('keeps only ids and what the port passes in a job', async () => {
    const t = { ...timer('a', Date.now() + 60_000), data: { n: 1 } };
    await scheduler.schedule([t]);
    const job = await scheduler.queue.getJob((await scheduler.jobId('t1', 'a'))!);
    expect(job?.data).toEqual(t);
    expect(job?.opts.attempts).toBe(8);
  });

  it('takeDue returns due timers once, earliest first; nextAt sees the rest', async () => {
    const now = Date.now();
    await scheduler.schedule([timer('late', now + 3_600_000), timer('b', now - 10), timer('a', now - 20)]);
    expect(await scheduler.nextAt()).toBe(now - 20);
    const due = await scheduler.takeDue(now, 10);
    expect(due.map((t) => t.key)).toEqual(['a', 'b']);
    expect(await scheduler.takeDue(now, 10)).toEqual([]);
    expect(await scheduler.nextAt()).toBe(now + 3_600_000);
    await scheduler.cancel('t1', ['late']);
    expect(await scheduler.nextAt()).toBeUndefined();
  });
});

describe('TimerWorker', () => {
  it('fires 100 due timers exactly once each across 2 workers', async () => {
    const fired = new Map<string, number>();
    const handler = async (t: Timer) => {
      fired.set(t.key, (fired.get(t.key) ?? 0) + 1);
    };
    const w1 = worker(handler, 4);
    const w2 = worker(handler, 4);
    await Promise.all([w1.ready(), w2.ready()]);
    const now = Date.now();
    const timers = Array.from({ length: 100 }, (_, i) => timer(`k${i}`, now + (i % 10) * 20));
    await scheduler.schedule(timers);
    await until(() => fired.size === 100);
    // Let any duplicate delivery surface before counting: the queue must be empty and idle.
    await until(async () => (await scheduler.queue.getJobCountByTypes('waiting', 'delayed', 'active')) === 0);
    expect([...fired.values()].every((n) => n === 1)).toBe(true);
    expect(fired.size).toBe(100);
    // Fired timers leave no bookkeeping behind.
    expect(await redis.hlen(currentJobsKey(prefix, DEFAULT_QUEUE_NAME))).toBe(0);
  });

  it('fires a timer re-armed by its own handler again (a recurring schedule)', async () => {
    const fired: number[] = [];
    const w = worker(async (t) => {
      fired.push(t.at);
      if (fired.length < 3) await scheduler.schedule([{ ...t, at: t.at + 50 }]);
    });
    await w.ready();
    const now = Date.now();
    await scheduler.schedule([timer('every', now)]);
    await until(() => fired.length === 3);
    await until(async () => (await scheduler.queue.getJobCountByTypes('waiting', 'delayed', 'active')) === 0);
    expect(fired).toEqual([now, now + 50, now + 100]);
  });

  it('fires a delayed timer when it is due, not before', async () => {
    const fired: number[] = [];
    const w = worker(async (t) => {
      fired.push(Date.now() - t.at);
    });
    await w.ready();
    await scheduler.schedule([timer('soon', Date.now() + 300)]);
    await until(() => fired.length === 1);
    // BullMQ may not fire early (small tolerance for clock granularity).
    expect(fired[0]).toBeGreaterThanOrEqual(-5);
  });

  it('retries a failing handler with backoff until it succeeds', async () => {
    let calls = 0;
    const w = worker(async () => {
      calls++;
      if (calls < 3) throw new Error('flaky');
    });
    await w.ready();
    await scheduler.schedule([timer('flaky', Date.now())]);
    await until(() => calls === 3);
    await until(async () => (await scheduler.queue.getJobCountByTypes('waiting', 'delayed', 'active')) === 0);
    expect(calls).toBe(3);
  });

  it('does not fire a cancelled timer', async () => {
    const fired: string[] = [];
    const w = worker(async (t) => {
      fired.push(t.key);
    });
    await w.ready();
    const now = Date.now();
    await scheduler.schedule([timer('cancelled', now + 1000), timer('kept', now + 1200)]);
    await scheduler.cancel('t1', ['cancelled']);
    await until(() => fired.length === 1);
    expect(fired).toEqual(['kept']);
  });

  it('close() waits for the timer being fired to finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started = false;
    let finished = false;
    const w = worker(async () => {
      started = true;
      await gate;
      finished = true;
    });
    await w.ready();
    await scheduler.schedule([timer('slow', Date.now())]);
    await until(() => started);
    let closed = false;
    const closing = w.close().then(() => {
      closed = true;
    });
    // Give close() ample opportunity to (wrongly) resolve while the handler is still running.
    for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished).toBe(true);
    // The job completed (and was removed), not left active or failed.
    expect(await scheduler.queue.getJobCountByTypes('waiting', 'delayed', 'active', 'failed')).toBe(0);
  });
});
