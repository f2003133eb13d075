/**
 * A sliding window as a provider counts it: at most `max` events in any `perMs`. Used by the fakes
 * to answer the way the provider does when a sender goes too fast.
 */
export class SlidingWindow {
  private readonly times: number[] = [];
  constructor(
    readonly max: number,
    readonly perMs: number,
  ) {}

  /** Milliseconds until one more event fits (0 when it fits now). */
  waitMs(now: number): number {
    while (this.times.length > 0 && this.times[0]! <= now - this.perMs) this.times.shift();
    return this.times.length < this.max ? 0 : this.times[0]! + this.perMs - now;
  }

  record(now: number): void {
    this.times.push(now);
  }
}
