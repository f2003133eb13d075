import type { Timer } from '../kernel/outcome.js';
import type { Scheduler } from '../ports/scheduler.js';
import { MinHeap } from '../util/heap.js';

interface Entry {
  at: number;
  seq: number;
  timer: Timer;
}

/**
 * Timers in a binary heap, for the virtual clock (tests, simulation) and the embedded mode.
 * Cancelling or replacing a timer leaves its old heap entry behind; it is skipped when popped
 * (lazy deletion keeps both operations O(log n) without a decrease-key).
 */
export class MemoryScheduler implements Scheduler {
  private readonly heap = new MinHeap<Entry>();
  private readonly live = new Map<string, Entry>();
  private seq = 0;

  get size(): number {
    return this.live.size;
  }

  async schedule(timers: readonly Timer[]): Promise<void> {
    this.scheduleNow(timers);
  }

  scheduleNow(timers: readonly Timer[]): void {
    for (const timer of timers) {
      const id = `${timer.tenant}\u0000${timer.key}`;
      const e: Entry = { at: timer.at, seq: this.seq++, timer };
      this.live.set(id, e);
      this.heap.push(e);
    }
  }

  async cancel(tenant: string, keys: readonly string[]): Promise<void> {
    this.cancelNow(tenant, keys);
  }

  cancelNow(tenant: string, keys: readonly string[]): void {
    for (const key of keys) this.live.delete(`${tenant}\u0000${key}`);
  }

  async takeDue(now: number, limit: number): Promise<Timer[]> {
    return this.takeDueNow(now, limit);
  }

  takeDueNow(now: number, limit: number): Timer[] {
    const out: Timer[] = [];
    while (out.length < limit) {
      const top = this.heap.peek();
      if (top === undefined || top.at > now) break;
      this.heap.pop();
      const id = `${top.timer.tenant}\u0000${top.timer.key}`;
      if (this.live.get(id) !== top) continue;
      this.live.delete(id);
      out.push(top.timer);
    }
    return out;
  }

  async nextAt(): Promise<number | undefined> {
    return this.nextAtNow();
  }

  nextAtNow(): number | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined) return undefined;
      if (this.live.get(`${top.timer.tenant}\u0000${top.timer.key}`) === top) return top.at;
      this.heap.pop();
    }
  }

  /** Pending timers (for tests and the editor's inspector). */
  pending(): Timer[] {
    return [...this.live.values()].map((e) => e.timer).sort((a, b) => a.at - b.at);
  }
}
