import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FairQueue, jobIdOf } from '../src/index.js';
import { connect, deleteKeys, testPrefix, until } from './helpers.js';

let redis: Redis;
let prefix: string;
const closers: (() => Promise<void>)[] = [];

beforeEach(() => {
  redis = connect();
  prefix = testPrefix();
});

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

interface Data {
  tenant: string;
  n: number;
}

/** Processes a queue one job at a time and returns the tenants in the order they were served. */
async function serve(name: string, total: number, onJob?: (d: Data) => Promise<void>): Promise<string[]> {
  const order: string[] = [];
  const worker = new Worker<Data>(
    name,
    async (job) => {
      await onJob?.(job.data);
      order.push(job.data.tenant);
    },
    { connection: connect(), prefix, concurrency: 1 },
  );
  closers.push(() => worker.close());
  await until(() => order.length === total, 30_000);
  return order;
}

const jobs = (tenant: string, count: number) =>
  Array.from({ length: count }, (_, n) => ({
    tenant,
    jobId: jobIdOf('t', tenant, String(n)),
    data: { tenant, n },
  }));

it('serves a small tenant behind a big backlog within a round of the big one, where FIFO makes it wait for all', async () => {
  // FIFO, as a plain BullMQ queue does: 600 jobs of 'big', then 20 of 'small'.
  const plain = new Queue<Data>('plain', { connection: redis, prefix });
  closers.push(() => plain.close());
  await plain.addBulk([...jobs('big', 600), ...jobs('small', 20)].map((j) => ({ name: 'j', data: j.data })));
  const fifo = await serve('plain', 620);
  const fifoLast = fifo.lastIndexOf('small');

  const queue = new Queue<Data>('fair', { connection: redis, prefix });
  closers.push(() => queue.close());
  const fair = new FairQueue(queue, redis, 'j', { removeOnComplete: true });
  await fair.add(jobs('big', 600));
  await fair.add(jobs('small', 20));
  const order = await serve('fair', 620, (d) => fair.release(d.tenant));
  const fairLast = order.lastIndexOf('small');

  console.log(`last 'small' job served at position ${fairLast + 1} of 620 (FIFO: ${fifoLast + 1})`);
  expect(fifoLast).toBe(619);
  // Round-robin: big, small, big, small… until small is done.
  expect(fairLast).toBeLessThanOrEqual(40);
  expect(order.slice(0, 6)).toEqual(['big', 'small', 'big', 'small', 'big', 'small']);
});

it('adds a job once: a job already queued is not added again, and its tenant is not counted twice', async () => {
  const queue = new Queue<Data>('once', { connection: redis, prefix });
  closers.push(() => queue.close());
  const fair = new FairQueue(queue, redis, 'j', { removeOnComplete: true });
  expect(await fair.add(jobs('a', 3))).toBe(3);
  expect(await fair.add(jobs('a', 3))).toBe(0);
  expect(await fair.add(jobs('a', 4))).toBe(1);
  const waiting = await queue.getPrioritized();
  expect(waiting.map((j) => j.opts.priority).sort()).toEqual([1, 2, 3, 4]);
});

it('serves a tenant alone without waiting on anyone, and forgets its count once served', async () => {
  const queue = new Queue<Data>('alone', { connection: redis, prefix });
  closers.push(() => queue.close());
  const fair = new FairQueue(queue, redis, 'j', { removeOnComplete: true });
  await fair.add(jobs('solo', 200));
  const order = await serve('alone', 200, (d) => fair.release(d.tenant));
  expect(order).toHaveLength(200);
  // Every job released its place: the tenant's next job is first in line again.
  await queue.pause();
  expect(await fair.add([{ tenant: 'solo', jobId: 'next', data: { tenant: 'solo', n: 200 } }])).toBe(1);
  expect((await queue.getPrioritized()).map((j) => j.opts.priority)).toEqual([1]);
});
