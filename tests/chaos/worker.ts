/**
 * One worker process of the chaos test (and of bench/throughput.ts): the host a `kith worker`
 * would be — SqlStore on PostgreSQL, BullScheduler and rate limits on Redis, the sandbox channel
 * posting to a local receiver instead of its in-memory provider — running `startWorkers` until SIGTERM. It reports its counters to
 * the parent over IPC every 200 ms. `EVENT_BATCH` sets the events per drain job and
 * `INLINE_EFFECTS=off` sends every effect through the relay and an effect job (to compare runs).
 */
import { sandboxChannel } from '@kith/channel-sandbox';
import { type DeliveryResult, type Effect, type Effects, Runtime, systemClock } from '@kith/engine';
import { BullScheduler, RedisRateLimiterStore, startWorkers } from '@kith/queue-bullmq';
import { createEffectDeliverer, instantiatePlugin } from '@kith/sdk';
import { createSqlStore } from '@kith/store-sql';
import { Redis } from 'ioredis';

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`worker: set ${name}`);
  return v;
}

const databaseUrl = env('DATABASE_URL');
const redisUrl = env('REDIS_URL');
const prefix = env('KITH_PREFIX');
const receiver = process.env.CHANNEL === 'none' ? 'http://127.0.0.1:9' : env('RECEIVER_URL');
const tenants = env('TENANTS').split(',');
const concurrency = Number(process.env.CONCURRENCY ?? '32');
const lockDurationMs = Number(process.env.LOCK_MS ?? '30000');
/** Events per drain job (`startWorkers`' `eventBatch`); unset: its default. */
const eventBatch = process.env.EVENT_BATCH === undefined ? undefined : Number(process.env.EVENT_BATCH);

// Effects a killed worker had claimed (at commit, or from the relay) wait this long before another
// worker takes them: twice the job lock, well above a send to the local receiver.
const store = await createSqlStore({ url: databaseUrl }, { claimTimeoutMs: 2 * lockDurationMs });
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
redis.on('error', () => {});
const scheduler = new BullScheduler({ connection: redis, prefix });
// One rate-limit store for every worker process: the sandbox's 30 sends/s per connection holds across them.
const limiterStore = new RedisRateLimiterStore(redis, { prefix: `${prefix}:rl:` });

/** Each tenant's channel posts to its own path of the receiver: one connection (and budget) each. */
const deliverers = new Map<string, Effects>();
for (const tenant of tenants) {
  const bound = instantiatePlugin({
    id: 'chat',
    plugin: sandboxChannel,
    with: { baseUrl: `${receiver}/t/${tenant}` },
  });
  if (!bound.ok) throw new Error(`worker: sandbox instance: ${JSON.stringify(bound.issues)}`);
  deliverers.set(tenant, createEffectDeliverer({ instances: [bound.instance], limiterStore }));
}
/** `CHANNEL=none` (benchmarks): effects are accepted at once, to measure the queues alone. */
const none = process.env.CHANNEL === 'none';
const effects: Effects = {
  deliver(effect: Effect, attempt: number): Promise<DeliveryResult> {
    if (none) return Promise.resolve({ ok: true });
    const d = deliverers.get(effect.tenant);
    if (d === undefined)
      return Promise.resolve({ ok: false, error: `no tenant ${effect.tenant}`, retryable: false });
    return d.deliver(effect, attempt);
  },
};

const runtime = new Runtime({
  store,
  scheduler,
  clock: systemClock,
  effects,
  retry: { baseMs: 200, maxMs: 2000, maxAttempts: 10 },
});
for (const tenant of tenants) await runtime.load(tenant);

const workers = await startWorkers({
  runtime,
  store,
  inbox: store,
  connection: redisUrl,
  prefix,
  concurrency,
  lockDurationMs,
  ...(eventBatch === undefined ? {} : { eventBatch }),
  // INLINE_EFFECTS=off: every effect through the relay and an effect job (to compare)
  inlineEffects: process.env.INLINE_EFFECTS !== 'off',
  relay: { pollMs: 50, sweepMs: 5000 },
  log: (level, message) => process.send?.({ type: 'log', level, message }),
});

const report = () => process.send?.({ type: 'stats', stats: workers.stats() });
const timer = setInterval(report, 200);
process.send?.({ type: 'ready' });

process.on('SIGTERM', async () => {
  clearInterval(timer);
  await workers.close();
  report();
  await scheduler.close();
  await redis.quit().catch(() => redis.disconnect());
  await store.close();
  process.exit(0);
});
