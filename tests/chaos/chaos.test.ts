/**
 * Chaos: 10,000 members through a journey (wait, then a chat message to a local fake provider) on two worker processes,
 * with kill -9 of a worker three times and of Redis once. Every message must arrive, and the
 * outbox must keep each idempotency key to one message.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEffects, Runtime, systemClock } from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import { BullScheduler, createEventQueue } from '@kith/queue-bullmq';
import { createSqlStore, pgSqlFromUrl, type Sql, type SqlStore } from '@kith/store-sql';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { Cluster } from './cluster.js';
import { busiestWindow, type Receiver } from './receiver.js';
import { startReceiverProcess } from './receiver-process.js';
import { freePort, RedisServer } from './redis-server.js';

const MEMBERS = Number(process.env.KITH_CHAOS_MEMBERS ?? 10_000);
const TENANTS = 20;
const CONCURRENCY = 32;
const PG = process.env.KITH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
const PREFIX = 'chaos';
/** `KITH_CHAOS=off` runs the same load without kills (to tell a chaos bug from a plain one). */
const CHAOS = process.env.KITH_CHAOS !== 'off';
/** The whole test's budget; a machine much busier than CI's may need more (KITH_CHAOS_TIMEOUT_MS). */
const TIMEOUT_MS = Number(process.env.KITH_CHAOS_TIMEOUT_MS ?? 300_000);
const progress = (m: string) =>
  process.env.KITH_CHAOS_TRACE === '1' &&
  console.log(`[chaos ${new Date().toISOString().slice(11, 23)}] ${m}`);

const PLAYBOOK = `
kith: 1
id: chaos
name: Chaos
timezone: UTC
channels:
  chat: { use: sandbox }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: settle, wait: 3s }
          - { id: hello, send: { via: chat, text: "welcome" } }
`;

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

async function admin<T>(run: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = pgSqlFromUrl(`${PG}/test`);
  try {
    return await run(sql);
  } finally {
    await sql.close();
  }
}

it(
  `delivers every message once to ${MEMBERS} members through worker kills and a Redis restart`,
  async () => {
    const started = Date.now();
    const dir = await mkdtemp(join(tmpdir(), 'kith-chaos-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const redisServer = new RedisServer(await freePort(), dir);
    await redisServer.start();
    cleanup.push(() => redisServer.kill());

    const db = `kith_chaos_${Math.random().toString(36).slice(2, 10)}`;
    await admin((c) => c.query(`CREATE DATABASE ${db}`));
    // PostgreSQL's durability is not what this test breaks (workers and Redis are): commits need
    // not wait for the disk, which on a busy machine is most of their time.
    await admin((c) => c.query(`ALTER DATABASE ${db} SET synchronous_commit = off`));
    cleanup.push(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)));
    const databaseUrl = `${PG}/${db}`;
    const store: SqlStore = await createSqlStore({ url: databaseUrl });
    cleanup.push(() => store.close());

    // One POST in 50 fails (503): the outbox retries it with backoff, through all the chaos. In a
    // process of its own, so that the instants it records are not late when the test is busy.
    const receiver: Receiver = await startReceiverProcess({ failEvery: 50 });
    cleanup.push(() => receiver.close());

    // Publish each tenant's playbook, as `kith publish` would (the workers load it from the store).
    const tenants = Array.from({ length: TENANTS }, (_, i) => `t${i}`);
    const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    redis.on('error', () => {});
    cleanup.push(() => redis.quit().catch(() => redis.disconnect()));
    const scheduler = new BullScheduler({ connection: redis, prefix: PREFIX });
    cleanup.push(() => scheduler.close());
    const publisher = new Runtime({ store, scheduler, clock: systemClock, effects: new MemoryEffects() });
    const { playbook, params } = loadPlaybook(PLAYBOOK);
    for (const t of tenants) await publisher.publish(t, playbook, { version: '1', params });

    const cluster = new Cluster({
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisServer.url,
      KITH_PREFIX: PREFIX,
      RECEIVER_URL: receiver.url,
      TENANTS: tenants.join(','),
      CONCURRENCY: String(CONCURRENCY),
      LOCK_MS: '10000',
    });
    cleanup.push(() => cluster.stop());
    await Promise.all([cluster.start('a'), cluster.start('b')]);
    progress('workers ready');

    // The API process: events go to the inbox, jobs to Redis.
    let notEnqueued = 0;
    const api = createEventQueue({
      inbox: store,
      connection: redisServer.url,
      prefix: PREFIX,
      log: () => void notEnqueued++,
    });
    cleanup.push(() => api.close());
    const ingest = (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          for (let i = next++; i < MEMBERS; i = next++) {
            const tenant = tenants[i % TENANTS]!;
            const r = await api.ingest(tenant, {
              tenant,
              id: `join-${i}`,
              type: 'member.joined',
              member: `m${i}`,
            });
            if (r !== 'accepted') throw new Error(`event ${i}: ${r}`);
          }
        }),
      );
    })();

    // Chaos, at random moments while events, timers and sends are in flight.
    const chaos = (async () => {
      const kills = [rand(1500, 4000), rand(6000, 10_000), rand(13_000, 18_000)];
      const redisAt = rand(4000, 12_000);
      const steps = [
        ...kills.map((at, n) => ({ at, run: () => killAndRestart(n % 2 === 0 ? 'a' : 'b') })),
        { at: redisAt, run: () => restartRedis() },
      ].sort((x, y) => x.at - y.at);
      const t0 = Date.now();
      for (const s of CHAOS ? steps : []) {
        await sleep(Math.max(0, t0 + s.at - Date.now()));
        await s.run();
      }
    })();
    const killAndRestart = async (name: string) => {
      progress(`kill -9 worker ${name}`);
      await cluster.kill(name);
      await sleep(rand(100, 800));
      await cluster.start(name);
      progress(`worker ${name} restarted`);
    };
    const restartRedis = async () => {
      progress('kill -9 redis');
      await redisServer.kill();
      await sleep(rand(200, 1000));
      await redisServer.start();
      progress('redis restarted');
    };

    await Promise.all([ingest.then(() => progress('all events ingested')), chaos]);
    const expected = new Set(Array.from({ length: MEMBERS }, (_, i) => `m${i}`));
    // Leave time to stop the workers and count before the test's own timeout.
    const deadline = started + TIMEOUT_MS - 30_000;
    // Every message in, and every outbox row settled: effects a killed worker had sent but not yet
    // recorded stay claimed until their claim times out, then go out again (a repeat, same key).
    const unsettled = async () =>
      Number(
        (
          await store.sql.query<{ n: string }>(
            "SELECT count(*) AS n FROM kith_outbox WHERE status = 'pending'",
          )
        )[0]?.n ?? 0,
      );
    while ((receiver.messages.size < MEMBERS || (await unsettled()) > 0) && Date.now() < deadline) {
      await sleep(1000);
      progress(
        `${receiver.messages.size} messages; events ${cluster.total('events', 'ingested')}, timers ${cluster.total('timers', 'fired')}, effects ${cluster.total('effects', 'delivered')}, enqueued ${cluster.total('relay', 'effectsEnqueued')}`,
      );
    }
    // Let any late repeat surface before counting.
    await sleep(2000);
    const codes = await cluster.stop();

    const perMember = new Map<string, number>();
    for (const m of receiver.messages.values())
      perMember.set(m.member ?? '', (perMember.get(m.member ?? '') ?? 0) + 1);
    const missing = [...expected].filter((m) => !perMember.has(m));
    const twice = [...perMember].filter(([, n]) => n > 1);
    const rows = await store.sql.query<{ status: string; n: string; retries: string }>(
      'SELECT status, count(*) AS n, sum(greatest(attempts - 1, 0)) AS retries FROM kith_outbox GROUP BY status',
    );
    const outbox: Record<string, { n: number; retries: number } | undefined> = Object.fromEntries(
      rows.map((row) => [row.status, { n: Number(row.n), retries: Number(row.retries) }]),
    );
    const busiest = busiestWindow(receiver.posts, 1000);
    const absorbedByOutbox = cluster.total('effects', 'settled');
    const reingested = cluster.total('events', 'duplicates');
    const retries = outbox.delivered?.retries ?? 0;
    console.log(
      [
        `chaos: ${MEMBERS} members, ${TENANTS} tenants, 2 workers, 3 kill -9 of a worker, 1 kill -9 of Redis, ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `  messages: ${receiver.messages.size} distinct of ${MEMBERS} expected; missing ${missing.length}; members with two messages ${twice.length}`,
        `  outbox: ${JSON.stringify(outbox)}`,
        `  retries the outbox absorbed: ${retries} deliveries after a failure (the provider refused ${receiver.refused} POSTs with 503); ${cluster.total('timers', 'retried')} timer jobs retried after a crash; ${cluster.total('effects', 'deferred')} waits for a rate-limit slot`,
        `  duplicates absorbed: ${absorbedByOutbox} effect jobs for effects already settled, ${reingested} event jobs for events already ingested`,
        `  repeats of a delivered key at the provider (a worker killed between sending and recording): ${receiver.repeats}`,
        `  busiest second at one endpoint: ${busiest.count} POSTs (limit 30/s per connection, shared by both workers), from ${new Date(busiest.from).toISOString().slice(11, 23)}`,
        `  API events saved while Redis was away and enqueued by the sweep: ${notEnqueued}; workers exited with ${codes.join(', ')}`,
      ].join('\n'),
    );
    if (missing.length > 0) console.log(cluster.output.slice(-60).join('\n'));

    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
    expect(receiver.messages.size).toBe(MEMBERS);
    expect(outbox.delivered?.n).toBe(MEMBERS);
    expect(outbox.dead).toBeUndefined();
    expect(retries).toBeGreaterThan(0);
    expect(await store.pendingInbound(10)).toEqual([]);
    // A key reaches the provider twice only when its job ran twice while a send was in flight: its
    // worker died after sending and before the outbox recorded it (at most the effects in flight
    // in a killed worker, 3 times), or Redis lost the job's lock and another worker took it (at
    // most every effect in flight in both workers, once). Everything else the outbox absorbs.
    expect(receiver.repeats).toBeLessThanOrEqual(3 * CONCURRENCY + 2 * CONCURRENCY);
    expect(codes.every((c) => c === 0)).toBe(true);
    // The limiter books each second a tenth longer than the provider counts it, which absorbs sends
    // that leave a busy worker late (without that margin: 57-59 here). What this test can see is
    // coarser: the receiver stamps a POST when its own event loop gets to it, and on 2 cores shared
    // by two workers, the receiver, Redis, PostgreSQL and the test, a stalled receiver stamps a
    // backlog at once. Its busiest second measured 30, 30, 32, 33 and 36 with this test running
    // alone, 37 beside other test files. So this checks that the limit is held across workers and
    // kills (not a second budget on top), with room for that stamping; the per-second precision is
    // bench/ratelimit's, on an idle machine (every connection's busiest second at 30).
    expect(busiest.count).toBeLessThanOrEqual(45);
  },
  TIMEOUT_MS,
);
