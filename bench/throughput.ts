// bench/throughput: events/s end to end (API inbox → a drain job running a batch of events → a
// 3-step journey → outbox row claimed at commit → delivered by that worker; the relay and effect
// jobs only for retries) on 2 worker processes, against bare BullMQ no-op jobs/s on 2 processes
// over the same Redis, measured in the same run. Both sides are preloaded with the queue paused,
// then timed from resume to the last job done. CPU time (from /proc: the worker processes, Redis,
// and the PostgreSQL backends of the run's database) is reported per 1,000 events or jobs, which a
// shared machine disturbs less than the wall-clock rates. Each round measures both sides, one after
// the other, in alternating order; with several rounds (default 3) the median is printed too.
//   pnpm --filter @kith/bench throughput [--events 10000] [--tenants 10] [--concurrency 32] [--rounds 3] [--async-commit]
// Needs PostgreSQL (KITH_TEST_PG, default postgres://postgres@127.0.0.1:5432) and Redis
// (KITH_REDIS_URL, default redis://127.0.0.1:6379); it uses its own database and key prefix.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MemoryEffects, Runtime, systemClock } from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import { BullScheduler, createEventQueue, EVENTS_QUEUE } from '@kith/queue-bullmq';
import { createSqlStore, pgSqlFromUrl } from '@kith/store-sql';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Cluster } from '../tests/chaos/cluster.js';
import { benchArgs } from './args.js';

const PG = process.env.KITH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.KITH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A bare BullMQ worker process: no-op jobs, its completions reported to the parent. */
async function noopChild(): Promise<void> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  let done = 0;
  const worker = new Worker('noop', async () => {}, {
    connection,
    prefix: process.env.KITH_PREFIX ?? 'bench',
    concurrency: Number(process.env.CONCURRENCY ?? '32'),
  });
  worker.on('completed', () => void done++);
  await worker.waitUntilReady();
  const timer = setInterval(() => process.send?.({ done }), 50);
  process.send?.({ ready: true });
  process.on('SIGTERM', async () => {
    clearInterval(timer);
    await worker.close();
    await connection.quit();
    process.exit(0);
  });
}

const PLAYBOOK = `
kith: 1
id: bench
name: Bench
timezone: UTC
channels:
  chat: { use: sandbox }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: mark, tag: newcomer }
          - { id: points, score: { points: 10, reason: joined } }
          - { id: hello, send: { via: chat, text: "welcome" } }
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100;

/**
 * CPU time (user + system, ms) each process has used so far, from /proc (Linux; 0 elsewhere or
 * for a process gone). The machine is shared: CPU time per event is steadier than wall time.
 */
function cpuMs(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S);
    } catch {
      out.set(pid, 0);
    }
  }
  return out;
}

/** CPU ms used between two readings, summed (a process first seen later counts from 0). */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

async function redisPid(redis: Redis): Promise<number[]> {
  const info = await redis.info('server');
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  return Number.isInteger(pid) ? [pid] : [];
}

/** What a side cost: wall rate, and CPU ms per 1,000 events or jobs by process group. */
interface Run {
  rate: number;
  cpu: Record<string, number>;
}

function perThousand(ms: number, n: number): number {
  return (ms * 1000) / n;
}

async function until(check: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`throughput: ${what} not done within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

async function bareBullmq(events: number, concurrency: number, prefix: string): Promise<Run> {
  const { spawn } = await import('node:child_process');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('noop', { connection: redis, prefix });
  await queue.pause();
  for (let i = 0; i < events; i += 1000) {
    const n = Math.min(1000, events - i);
    await queue.addBulk(
      Array.from({ length: n }, (_, k) => ({
        name: 'j',
        data: { i: i + k },
        opts: { removeOnComplete: true },
      })),
    );
  }
  const done = [0, 0];
  const procs = [0, 1].map((slot) => {
    const p = spawn(
      process.execPath,
      ['--conditions=kith-source', '--import', 'tsx', new URL(import.meta.url).pathname, '--noop-child'],
      {
        env: { ...process.env, KITH_PREFIX: prefix, CONCURRENCY: String(concurrency) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const ready = new Promise<void>((resolve) =>
      p.on('message', (m: { ready?: boolean; done?: number }) => {
        if (m.ready) resolve();
        if (m.done !== undefined) done[slot] = m.done;
      }),
    );
    return { p, ready };
  });
  await Promise.all(procs.map((x) => x.ready));
  const workerPids = procs.flatMap(({ p }) => (p.pid === undefined ? [] : [p.pid]));
  const redisPids = await redisPid(redis);
  const before = cpuMs([...workerPids, ...redisPids]);
  const t0 = performance.now();
  await queue.resume();
  await until(() => done[0]! + done[1]! >= events, 'bare BullMQ');
  const seconds = (performance.now() - t0) / 1000;
  const after = cpuMs([...workerPids, ...redisPids]);
  const cpu = {
    workers: perThousand(cpuSpent(before, new Map(workerPids.map((p) => [p, after.get(p) ?? 0]))), events),
    redis: perThousand(cpuSpent(before, new Map(redisPids.map((p) => [p, after.get(p) ?? 0]))), events),
  };
  for (const { p } of procs) p.kill('SIGTERM');
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
  return { rate: events / seconds, cpu };
}

async function kith(
  events: number,
  tenantCount: number,
  concurrency: number,
  prefix: string,
  asyncCommit: boolean,
): Promise<Run & { dropDb: () => Promise<void> }> {
  const db = `kith_throughput_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const admin = pgSqlFromUrl(`${PG}/test`);
  await admin.query(`CREATE DATABASE ${db}`);
  if (asyncCommit) await admin.query(`ALTER DATABASE ${db} SET synchronous_commit = off`);
  const dropDb = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.close();
  };
  const databaseUrl = `${PG}/${db}`;
  const store = await createSqlStore({ url: databaseUrl });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const scheduler = new BullScheduler({ connection: redis, prefix });
  const tenants = Array.from({ length: tenantCount }, (_, i) => `t${i}`);
  const publisher = new Runtime({ store, scheduler, clock: systemClock, effects: new MemoryEffects() });
  const { playbook, params } = loadPlaybook(PLAYBOOK);
  for (const t of tenants) await publisher.publish(t, playbook, { version: '1', params });

  // Preload while the event queue is paused: the run then times the workers alone.
  const events_ = new Queue(EVENTS_QUEUE, { connection: redis, prefix });
  await events_.pause();
  const api = createEventQueue({ inbox: store, connection: REDIS_URL, prefix });
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      for (let i = next++; i < events; i = next++) {
        const tenant = tenants[i % tenantCount]!;
        await api.ingest(tenant, { tenant, id: `e${i}`, type: 'member.joined', member: `m${i}` });
      }
    }),
  );
  const cluster = new Cluster({
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    KITH_PREFIX: prefix,
    TENANTS: tenants.join(','),
    CONCURRENCY: String(concurrency),
    CHANNEL: 'none',
  });
  await Promise.all([cluster.start('a'), cluster.start('b')]);
  const workerPids = cluster.pids();
  const redisPids = await redisPid(redis);
  const backends = async () =>
    (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db])).map(
      (r) => Number(r.pid),
    );
  const before = cpuMs([...workerPids, ...redisPids, ...(await backends())]);
  const t0 = performance.now();
  await events_.resume();
  await until(() => cluster.total('effects', 'delivered') >= events, 'Kith');
  const seconds = (performance.now() - t0) / 1000;
  const pgPids = await backends();
  const after = cpuMs([...workerPids, ...redisPids, ...pgPids]);
  const part = (pids: number[]) =>
    perThousand(cpuSpent(before, new Map(pids.map((p) => [p, after.get(p) ?? 0]))), events);
  const cpu = { workers: part(workerPids), redis: part(redisPids), postgres: part(pgPids) };
  await cluster.stop();
  await api.close();
  await new Queue('kith-effects', { connection: redis, prefix })
    .obliterate({ force: true })
    .catch(() => undefined);
  await events_.obliterate({ force: true });
  await events_.close();
  await scheduler.close();
  await redis.quit();
  await store.close();
  return { rate: events / seconds, cpu, dropDb };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: benchArgs(),
    options: {
      events: { type: 'string', default: '10000' },
      tenants: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '32' },
      'async-commit': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '3' },
    },
  });
  const events = Number(values.events);
  const concurrency = Number(values.concurrency);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds must be a positive integer, got '${values.rounds}'`);
  const prefix = `kith-bench-${randomUUID()}`;
  console.log(
    `throughput: ${events} events, ${values.tenants} tenants, 2 worker processes × concurrency ${concurrency}, synchronous_commit ${values['async-commit'] ? 'off' : 'on'}`,
  );
  const cpuText = (cpu: Record<string, number>) =>
    `CPU ms per 1,000: ${Object.entries(cpu)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', ')}, total ${Object.values(cpu)
      .reduce((a, b) => a + b, 0)
      .toFixed(0)}`;
  const ratios: number[] = [];
  const rates: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`round ${round} of ${rounds}`);
    const runBare = async () => {
      const bare = await bareBullmq(events, concurrency, `${prefix}-bare-${round}`);
      console.log(`  bare BullMQ no-op jobs:        ${bare.rate.toFixed(0)} jobs/s (${cpuText(bare.cpu)})`);
      return bare;
    };
    const runKith = async () => {
      const k = await kith(
        events,
        Number(values.tenants),
        concurrency,
        `${prefix}-${round}`,
        values['async-commit'],
      );
      await k.dropDb();
      console.log(`  Kith events, 3-step journey:  ${k.rate.toFixed(0)} events/s (${cpuText(k.cpu)})`);
      return k;
    };
    // the order alternates, so that a machine growing busier or quieter favours neither side
    let bare: Run;
    let k: Run;
    if (round % 2 === 1) {
      bare = await runBare();
      k = await runKith();
    } else {
      k = await runKith();
      bare = await runBare();
    }
    console.log(`  ratio: ${(k.rate / bare.rate).toFixed(3)}`);
    ratios.push(k.rate / bare.rate);
    rates.push(k.rate);
  }
  if (rounds > 1) {
    // the median round: on a shared machine one round can catch a burst of another job's work
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const m = Math.floor(s.length / 2);
      return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
    };
    console.log(
      `median of ${rounds} rounds: Kith ${median(rates).toFixed(0)} events/s, ratio ${median(ratios).toFixed(3)} ` +
        `(ratios ${ratios.map((r) => r.toFixed(3)).join(', ')})`,
    );
  }
  process.exit(0);
}

// Last: the module's constants above must be initialised before either runs.
if (process.argv.includes('--noop-child')) await noopChild();
else await main();
