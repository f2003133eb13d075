/** The waiters of one busy key, in arrival order. */
type Waiters = (() => void)[];

/**
 * Serialises work per key (one member's inputs) inside one process; different keys run
 * concurrently. Across processes the store's compare-and-set does the same job.
 *
 * A busy key holds a list of waiters, not a chain of promises, and none while nobody waits: the
 * work itself is the only promise when a key is free, which is nearly always (every input of a
 * simulation, most of a live server's). Work that runs to its end without yielding (`tryLock`)
 * holds its key in a slot of its own, not in the map: an input of a simulation then costs no map
 * entry made and deleted (and no hash table shrunk) at all.
 */
export class KeyedMutex {
  /** Keys held by work that may yield; null while nobody waits for one. */
  private readonly busy = new Map<string, Waiters | null>();
  /** The key held by synchronous work, if any (such work cannot be interrupted by other such work). */
  private held: string | null = null;

  /**
   * Takes a free key for work that runs without yielding and then calls `unlock`, or `keep` before
   * it first yields; false (nothing taken) when the key is busy or synchronous work runs already.
   */
  tryLock(key: string): boolean {
    if (this.held !== null || this.busy.has(key)) return false;
    this.held = key;
    return true;
  }

  /** The key `tryLock` gave now stays held across awaits, until `unlock`. */
  keep(key: string): void {
    if (this.held !== key) return;
    this.held = null;
    // a waiter may have come meanwhile (work called back into the runtime): it keeps its place
    if (!this.busy.has(key)) this.busy.set(key, null);
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (this.held !== key && !this.busy.has(key)) this.busy.set(key, null);
    else {
      let waiters = this.busy.get(key);
      if (waiters == null) {
        waiters = [];
        this.busy.set(key, waiters);
      }
      const list = waiters;
      await new Promise<void>((resolve) => list.push(resolve));
    }
    try {
      return await work();
    } finally {
      this.unlock(key);
    }
  }

  /** Gives the key up: to the next waiter, or free. */
  unlock(key: string): void {
    if (this.held === key) this.held = null;
    const next = this.busy.get(key)?.shift();
    if (next === undefined) this.busy.delete(key);
    else next();
  }
}
