// bench/ratelimit: per-connection rate limits shared by all workers, the two ways issue 6 names,
// measured side by side in the same run on the same Redis:
//   A. Kith's way: one job queue, and a per-key sliding-window bucket in Redis (RedisRateLimiterStore:
//      one Lua script books a slot in every bucket a send touches); a job whose slot is more than a
//      second away goes back to the queue delayed to it, as kith-effects jobs do, and the host
//      deliverer's margin and lateness rule apply.
//   B. one BullMQ queue per connection, each with BullMQ's own limiter ({ max, duration }, which in
//      BullMQ's open-source edition is per queue and shared by the queue's workers).
// Both: 2 workers (each with its own Redis connections), C connections limited to 30 sends/s, M
// messages each, all queued at the start. Printed: wall time against the ideal (M / 30 s), the
// busiest sliding second of any connection (by send time), Redis CPU per message and the BullMQ
// workers (each with a blocking Redis connection) a process needs.
//   pnpm --filter @kith/bench ratelimit [--connections 10] [--messages 150]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { RedisRateLimiterStore } from '@kith/queue-bullmq';
import { createRateLimiter, DEFAULT_RATE_LIMIT_MARGIN, type RateLimit } from '@kith/sdk';
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { benchArgs } from './args.js';

const REDIS_URL = process.env.KITH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT = 30;
const WINDOW_MS = 1000;
/** Waits up to this long are waited out in the job (as kith-effects does); longer ones are delayed. */
const HOLD_MS = 1000;
/** A held slot used later than this is given up and booked anew (the deliverer's tolerance). */
const LATE_MS = WINDOW_MS / 10;

const { values } = parseArgs({
  args: benchArgs(),
  options: {
    connections: { type: 'string', default: '10' },
    messages: { type: 'string', default: '150' },
  },
});
const connections = Number(values.connections);
const messages = Number(values.messages);

const redisOf = () => new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const admin = redisOf();

async function redisCpuMs(): Promise<number> {
  const info = await admin.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  return (user + sys) * 1000;
}

/** The most sends of one connection inside any window of WINDOW_MS (sliding). */
function busiest(sends: Map<number, number[]>): number {
  let best = 0;
  for (const times of sends.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[j]! - times[i]! >= WINDOW_MS) i++;
      best = Math.max(best, j - i + 1);
    }
  }
  return best;
}

interface Result {
  name: string;
  seconds: number;
  busiest: number;
  redisMsPerThousand: number;
  /** BullMQ workers (each with its blocking connection) one process runs. */
  workersPerProcess: number;
}

async function measure(
  name: string,
  workersPerProcess: number,
  setup: (
    record: (connection: number) => void,
  ) => Promise<{ start: () => Promise<void>; close: () => Promise<void> }>,
): Promise<Result> {
  const sends = new Map<number, number[]>();
  let sent = 0;
  const record = (c: number) => {
    const list = sends.get(c);
    if (list === undefined) sends.set(c, [Date.now()]);
    else list.push(Date.now());
    sent++;
  };
  const run = await setup(record);
  const cpu0 = await redisCpuMs();
  const t0 = performance.now();
  await run.start();
  while (sent < connections * messages) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = (await redisCpuMs()) - cpu0;
  await run.close();
  return {
    name,
    seconds,
    busiest: busiest(sends),
    redisMsPerThousand: (cpu * 1000) / (connections * messages),
    workersPerProcess,
  };
}

/** A: one queue, a sliding-window bucket per connection in Redis. */
function tokenBucket(prefix: string) {
  return async (record: (c: number) => void) => {
    const limits: RateLimit[] = [
      {
        name: 'overall',
        max: LIMIT,
        perMs: WINDOW_MS + Math.round(WINDOW_MS * DEFAULT_RATE_LIMIT_MARGIN),
        scope: 'connection',
        counts: 'messages',
        description: null,
      },
    ];
    const producer = redisOf();
    const queue = new Queue<{ c: number; at?: number }>('sends', { connection: producer, prefix });
    await queue.pause();
    for (let c = 0; c < connections; c++)
      await queue.addBulk(
        Array.from({ length: messages }, () => ({
          name: 's',
          data: { c },
          opts: { removeOnComplete: true },
        })),
      );
    const workers: Worker[] = [];
    const own: Redis[] = [producer];
    for (let w = 0; w < 2; w++) {
      const limiterRedis = redisOf();
      const workerRedis = redisOf();
      own.push(limiterRedis, workerRedis);
      const limiter = createRateLimiter(
        limits,
        new RedisRateLimiterStore(limiterRedis, { prefix: `${prefix}:rl:` }),
      );
      const worker = new Worker<{ c: number; at?: number }>(
        'sends',
        async (job: Job<{ c: number; at?: number }>, token?: string) => {
          let at = job.data.at;
          // as the host's deliverer: a held slot the job comes back for late is given up (a send then
          // would land beside the next window's); windows are booked a tenth longer
          if (at !== undefined && Date.now() - at > LATE_MS) at = undefined;
          if (at === undefined) {
            const now = Date.now();
            at = now + (await limiter.reserve({ connection: `bot-${job.data.c}` }, now));
            if (at - Date.now() > HOLD_MS) {
              // the slot is booked: the job comes back at it and sends without booking again
              await job.updateData({ ...job.data, at });
              await job.moveToDelayed(at, token);
              throw new DelayedError();
            }
          }
          const left = at - Date.now();
          if (left > 0) await new Promise((r) => setTimeout(r, left));
          record(job.data.c);
        },
        { connection: workerRedis, prefix, concurrency: 64, autorun: false },
      );
      workers.push(worker);
    }
    return {
      start: async () => {
        for (const w of workers) void w.run();
        await queue.resume();
      },
      close: async () => {
        await Promise.all(workers.map((w) => w.close(true)));
        await queue.obliterate({ force: true });
        await queue.close();
        for (const r of own) r.disconnect();
      },
    };
  };
}

/** B: one queue per connection, each with BullMQ's limiter. */
function queuePerConnection(prefix: string) {
  return async (record: (c: number) => void) => {
    const producer = redisOf();
    const own: Redis[] = [producer];
    const queues: Queue[] = [];
    const workers: Worker[] = [];
    for (let c = 0; c < connections; c++) {
      const queue = new Queue(`sends-${c}`, { connection: producer, prefix });
      await queue.pause();
      await queue.addBulk(
        Array.from({ length: messages }, () => ({ name: 's', data: {}, opts: { removeOnComplete: true } })),
      );
      queues.push(queue);
      for (let w = 0; w < 2; w++) {
        const workerRedis = redisOf();
        own.push(workerRedis);
        workers.push(
          new Worker(`sends-${c}`, async () => record(c), {
            connection: workerRedis,
            prefix,
            concurrency: 64,
            limiter: { max: LIMIT, duration: WINDOW_MS },
            autorun: false,
          }),
        );
      }
    }
    return {
      start: async () => {
        for (const w of workers) void w.run();
        await Promise.all(queues.map((q) => q.resume()));
      },
      close: async () => {
        await Promise.all(workers.map((w) => w.close(true)));
        for (const q of queues) {
          await q.obliterate({ force: true });
          await q.close();
        }
        for (const r of own) r.disconnect();
      },
    };
  };
}

const prefix = `kith-bench-rl-${randomUUID()}`;
console.log(
  `ratelimit: ${connections} connections × ${messages} messages, ${LIMIT} per ${WINDOW_MS} ms each, 2 workers; ideal ${(messages / LIMIT).toFixed(1)} s`,
);
const results = [
  await measure(
    'A. one queue + a sliding-window bucket per key in Redis (Kith)',
    1,
    tokenBucket(`${prefix}-a`),
  ),
  await measure(
    "B. a queue per connection with BullMQ's limiter",
    connections,
    queuePerConnection(`${prefix}-b`),
  ),
];
for (const r of results) {
  console.log(`  ${r.name}`);
  console.log(
    `    ${r.seconds.toFixed(1)} s (${((messages / LIMIT / r.seconds) * 100).toFixed(0)} % of the limit's pace); ` +
      `busiest second of a connection ${r.busiest} (limit ${LIMIT}); Redis CPU ${r.redisMsPerThousand.toFixed(0)} ms per 1,000; ` +
      `BullMQ workers per process ${r.workersPerProcess}`,
  );
}
admin.disconnect();
process.exit(0);
