/**
 * Replay protection port: remembers ids of accepted webhooks until they expire. A durable host
 * backs it with the database or Redis (`SET NX PX`); the in-memory one serves tests and one process.
 */
export interface SeenIdStore {
  /** Records `id` until `expiresAt`; true if it was not already there (first delivery). */
  remember(id: string, expiresAt: number, now: number): Promise<boolean>;
}

/**
 * In-memory SeenIdStore. Expired ids are swept as new ones arrive; `maxIds` caps memory under a
 * flood, evicting the oldest first (an id that old is outside the timestamp window anyway).
 */
export function memorySeenIdStore(options: { maxIds?: number } = {}): SeenIdStore & { size(): number } {
  const maxIds = options.maxIds ?? 100_000;
  const seen = new Map<string, number>();
  return {
    async remember(id, expiresAt, now) {
      const prev = seen.get(id);
      if (prev !== undefined && prev > now) return false;
      seen.delete(id);
      seen.set(id, expiresAt);
      if (seen.size > maxIds || seen.size % 1024 === 0) {
        for (const [k, exp] of seen) {
          if (exp <= now || seen.size > maxIds) seen.delete(k);
          else if (seen.size <= maxIds) break;
        }
      }
      return true;
    },
    size: () => seen.size,
  };
}
