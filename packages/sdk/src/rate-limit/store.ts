import { type BucketSpec, earliestCommonSlot, isIdle, recordSlot } from './window.js';

/**
 * Where bucket state lives: the port that lets the runtime enforce limits per provider
 * connection across processes. The in-memory store serves one process (embedded mode, tests,
 * simulation); queue-bullmq implements the same contract on Redis with one Lua script over all
 * the keys, which is what makes the reservation atomic across workers.
 */
export interface RateLimiterStore {
  /**
   * Atomically: finds the earliest instant ≥ `now` at which every bucket has a free token
   * (`earliestCommonSlot`), spends one token in each at that instant (`recordSlot`), and
   * returns the instant. Spending in all buckets at the same instant is what
   * keeps two limits (20/min per group and 30/s per bot) both exact.
   */
  reserve(buckets: readonly BucketSpec[], now: number): Promise<number>;
}

export interface MemoryRateLimiterStore extends RateLimiterStore {
  /** The same, synchronously: the simulator reserves millions of slots without awaiting. */
  reserveSync(buckets: readonly BucketSpec[], now: number): number;
  /** Buckets currently held (idle ones are swept as reservations arrive). */
  size(): number;
}

const SWEEP_EVERY = 4096;

export function memoryRateLimiterStore(): MemoryRateLimiterStore {
  const buckets = new Map<string, { log: number[]; spec: BucketSpec }>();
  let sinceSweep = 0;

  const sweep = (now: number) => {
    for (const [key, b] of buckets) if (isIdle(b.log, b.spec, now)) buckets.delete(key);
  };

  const reserveSync = (specs: readonly BucketSpec[], now: number): number => {
    if (++sinceSweep >= SWEEP_EVERY) {
      sinceSweep = 0;
      sweep(now);
    }
    const states = specs.map((spec) => {
      let b = buckets.get(spec.key);
      if (b === undefined) {
        b = { log: [], spec };
        buckets.set(spec.key, b);
      }
      b.spec = spec;
      return b;
    });
    const at = earliestCommonSlot(states, now);
    for (const b of states) recordSlot(b.log, b.spec, at, now);
    return at;
  };

  return {
    reserveSync,
    reserve: async (specs, now) => reserveSync(specs, now),
    size: () => buckets.size,
  };
}
