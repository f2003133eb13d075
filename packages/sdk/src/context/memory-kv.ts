import type { KvSetOptions, KvStore, PluginClock } from './types.js';

/**
 * An in-memory KvStore (tests, simulation, the embedded demo). Values are copied through JSON on
 * the way in, so a plugin that stores something unserialisable fails here, not in production.
 */
export function memoryKv(clock: PluginClock = { now: () => Date.now() }): KvStore & { size(): number } {
  const data = new Map<string, { json: string; expiresAt: number | null }>();
  const live = (key: string) => {
    const e = data.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt !== null && e.expiresAt <= clock.now()) {
      data.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    async get<T>(key: string) {
      const e = live(key);
      return e === undefined ? undefined : (JSON.parse(e.json) as T);
    },
    async set(key: string, value: unknown, options: KvSetOptions = {}) {
      const json = JSON.stringify(value);
      if (json === undefined) throw new TypeError(`kv value for '${key}' is not JSON-serialisable`);
      data.set(key, { json, expiresAt: options.ttlMs === undefined ? null : clock.now() + options.ttlMs });
    },
    async delete(key: string) {
      data.delete(key);
    },
    size: () => data.size,
  };
}
