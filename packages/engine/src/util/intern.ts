/**
 * Values many members hold alike, kept once: one frozen copy for every holder of the same
 * content, found by a key that spells the content out (a million members holding the same list
 * or record keep one, not a million). Frozen, so that a write in place throws instead of changing
 * every holder; bounded, cleared when full, which only costs sharing.
 */
export class Interner<T extends object> {
  private readonly byKey = new Map<string, T>();

  constructor(private readonly max = 10_000) {}

  /** The value kept under `key`, if any. */
  find(key: string): T | undefined {
    return this.byKey.get(key);
  }

  /** Keeps `value` (frozen, shallowly) under `key` and returns it. */
  keep(key: string, value: T): T {
    if (this.byKey.size >= this.max) this.byKey.clear();
    Object.freeze(value);
    this.byKey.set(key, value);
    return value;
  }
}
