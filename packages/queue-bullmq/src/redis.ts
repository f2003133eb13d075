import { Redis, type RedisOptions } from 'ioredis';
import type { WorkerLog } from './log.js';
import { errorText } from './log.js';

/** A Redis URL (`redis://…`, `rediss://…`) or ioredis options. */
export type RedisConnection = string | RedisOptions;

/**
 * A connection for workers: `maxRetriesPerRequest: null`, so a command waits for a reconnect
 * instead of failing (BullMQ requires it for workers; Redis restarts are then invisible to jobs).
 */
export function openWorkerRedis(connection: RedisConnection, log: WorkerLog): Redis {
  if (typeof connection === 'string') return new Redis(connection, { maxRetriesPerRequest: null });
  if (connection.maxRetriesPerRequest !== undefined && connection.maxRetriesPerRequest !== null) {
    log('warn', 'maxRetriesPerRequest is set on the Redis options; workers use null (wait for reconnects)');
  }
  return new Redis({ ...connection, maxRetriesPerRequest: null });
}

/**
 * A connection for the API process: fails a command after a few reconnect attempts, so a request
 * is not held while Redis is away (the event is already in the inbox; the relay enqueues it later).
 */
export function openProducerRedis(connection: RedisConnection): Redis {
  const fast = { maxRetriesPerRequest: 2 };
  return typeof connection === 'string' ? new Redis(connection, fast) : new Redis({ ...connection, ...fast });
}

/** Redis's run id: it changes when the server restarts (jobs written in the last second may be lost). */
export async function redisRunId(redis: Redis): Promise<string | undefined> {
  const info = await redis.info('server');
  return /^run_id:(\S+)/m.exec(info)?.[1];
}

export interface SettingsReport {
  /** What is not as production needs it, one line each (empty: all good). */
  problems: string[];
}

/**
 * Checks what production needs from Redis: no eviction (an evicted job is a lost timer or a
 * broken limit) and AOF persistence (jobs survive a restart). Only warns: a managed Redis may
 * forbid CONFIG, and tests run without AOF.
 */
export async function checkRedisSettings(redis: Redis, log: WorkerLog): Promise<SettingsReport> {
  const problems: string[] = [];
  try {
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (policy[1] !== undefined && policy[1] !== 'noeviction') {
      problems.push(
        `maxmemory-policy is '${policy[1]}': set it to 'noeviction' (an evicted key is a lost job or timer)`,
      );
    }
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    if (aof[1] !== undefined && aof[1] !== 'yes') {
      problems.push(
        "appendonly is 'no': set 'appendonly yes' (and appendfsync everysec) so jobs and timers survive a Redis restart",
      );
    }
  } catch (error) {
    problems.push(
      `could not read the Redis configuration (${errorText(error)}); check noeviction and AOF by hand`,
    );
  }
  for (const p of problems) log('warn', `Redis: ${p}`);
  return { problems };
}
