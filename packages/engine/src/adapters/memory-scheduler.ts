import type { Timer } from '../kernel/outcome.js';
import type { ImmediateTimers, Scheduler } from '../ports/scheduler.js';
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
export class MemoryScheduler implements Scheduler, ImmediateTimers {
  private readonly heap = new MinHeap<Entry>();
  private readonly live = new Map<string, Map<string, Entry>>();
  private seq = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  private tenant(t: string): Map<string, Entry> {
    let m = this.live.get(t);
    if (m === undefined) {
      m = new Map();
      this.live.set(t, m);
    }
    return m;
  }

  private isLive(e: Entry): boolean {
    return this.live.get(e.timer.tenant)?.get(e.timer.key) === e;
  }

  async schedule(timers: readonly Timer[]): Promise<void> {
    this.scheduleNow(timers);
  }

  scheduleNow(timers: readonly Timer[]): void {
    for (const timer of timers) {
      const e: Entry = { at: timer.at, seq: this.seq++, timer };
      const m = this.tenant(timer.tenant);
      if (!m.has(timer.key)) this.count++;
      m.set(timer.key, e);
      this.heap.push(e);
    }
  }

  async cancel(tenant: string, keys: readonly string[]): Promise<void> {
    this.cancelNow(tenant, keys);
  }

  cancelNow(tenant: string, keys: readonly string[]): void {
    const m = this.live.get(tenant);
    if (m === undefined) return;
    for (const key of keys) if (m.delete(key)) this.count--;
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
      if (!this.isLive(top)) continue;
      this.live.get(top.timer.tenant)!.delete(top.timer.key);
      this.count--;
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
      if (this.isLive(top)) return top.at;
      this.heap.pop();
    }
  }

  /** Pending timers (for tests and the editor's inspector). */
  pending(): Timer[] {
    const all: Timer[] = [];
    for (const m of this.live.values()) for (const e of m.values()) all.push(e.timer);
    return all.sort((a, b) => a.at - b.at);
  }
}
