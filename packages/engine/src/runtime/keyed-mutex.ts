/** The waiters of one busy key, in arrival order. */
type Waiters = (() => void)[];

/**
 * Serialises work per key (one member's inputs) inside one process; different keys run
 * concurrently. Across processes the store's compare-and-set does the same job.
 *
 * A busy key holds a list of waiters, not a chain of promises: the work itself is the only
 * promise when a key is free, which is nearly always (every input of a simulation, most of a
 * live server's).
 */
export class KeyedMutex {
  private readonly busy = new Map<string, Waiters>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const waiters = this.busy.get(key);
    if (waiters === undefined) this.busy.set(key, []);
    else await new Promise<void>((resolve) => waiters.push(resolve));
    try {
      return await work();
    } finally {
      this.release(key);
    }
  }

  /** Hands the key to the next waiter, or frees it. */
  private release(key: string): void {
    const waiters = this.busy.get(key)!;
    const next = waiters.shift();
    if (next === undefined) this.busy.delete(key);
    else next();
  }
}
