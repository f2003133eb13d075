import type { Clock } from '../ports/clock.js';

/** A clock that moves only when told: tests and simulations run months in milliseconds. */
export class VirtualClock implements Clock {
  private t: number;

  constructor(start: number | string | Date = 0) {
    this.t = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.t;
  }

  /** Moves to `at`; time never goes backwards. */
  set(at: number): void {
    if (at > this.t) this.t = at;
  }

  advance(ms: number): void {
    this.t += Math.max(0, ms);
  }
}
