import { mechanicTimerKey } from '../kernel/mechanics-bridge.js';
import type { Timer } from '../kernel/outcome.js';
import { timerKey } from '../kernel/steps/wait.js';
import type { ImmediateTimers, Scheduler } from '../ports/scheduler.js';
import { Agenda } from './agenda.js';
import type { Population } from './population.js';

const MEMBER = 0;
const OBJECT = 1;

/**
 * The Scheduler of a simulation. A member's timer is kept as (instant, member index) only, a few
 * bytes instead of a Timer object per wait: when it is due, the timers are rebuilt from the
 * member's committed state, exactly as `Runtime.recover` re-arms them after a restart (a wait's
 * deadline, a mechanic's `mechanicTimers`). A timer the state no longer holds (its wait ended
 * early, it was replaced) is therefore never fired, which is what cancelling it would have done.
 * Community timers (schedules, the stage review, rituals) are few and kept whole, by key.
 */
export class SimulationScheduler implements Scheduler, ImmediateTimers {
  private readonly agenda = new Agenda();
  private readonly keyed = new Map<string, Timer>();
  /** Members rebuilt at the instant being taken (one set for every call: this runs per tick). */
  private readonly seen = new Set<number>();

  constructor(private readonly population: Population) {}

  /** When the next timer is due (+Infinity when none), without a promise: the simulation's hot loop asks often. */
  nextDue(): number {
    return this.agenda.nextAt();
  }

  async schedule(timers: readonly Timer[]): Promise<void> {
    this.scheduleNow(timers);
  }

  scheduleNow(timers: readonly Timer[]): void {
    for (const t of timers) {
      const i =
        t.member === null || t.tenant !== this.population.tenant ? -1 : this.population.indexOf(t.member);
      if (i >= 0) {
        this.agenda.push(t.at, MEMBER, i);
      } else {
        this.keyed.set(t.key, t);
        this.agenda.push(t.at, OBJECT, -1, t);
      }
    }
  }

  async cancel(tenant: string, keys: readonly string[]): Promise<void> {
    this.cancelNow(tenant, keys);
  }

  cancelNow(_tenant: string, keys: readonly string[]): void {
    // members' timers need no cancelling: a timer the state no longer holds is not rebuilt
    for (const k of keys) this.keyed.delete(k);
  }

  async takeDue(now: number, limit: number): Promise<Timer[]> {
    return this.takeDueNow(now, limit);
  }

  takeDueNow(now: number, limit: number): Timer[] {
    const out: Timer[] = [];
    // one member may have several entries for one instant (they come out together): rebuild once
    const seen = this.seen;
    seen.clear();
    let lastAt = Number.NaN;
    const c = this.agenda.current;
    while (out.length < limit && this.agenda.nextAt() <= now && this.agenda.pop()) {
      if (c.kind === OBJECT) {
        const t = c.data as Timer;
        if (this.keyed.get(t.key) === t) {
          this.keyed.delete(t.key);
          out.push(t);
        }
        continue;
      }
      if (c.at !== lastAt) {
        seen.clear();
        lastAt = c.at;
      }
      if (seen.has(c.member)) continue;
      seen.add(c.member);
      this.rebuild(c.member, c.at, out);
    }
    return out;
  }

  async nextAt(): Promise<number | undefined> {
    const at = this.agenda.nextAt();
    return at === Number.POSITIVE_INFINITY ? undefined : at;
  }

  /** The member's timers due exactly at `at`, as the kernel set them. */
  private rebuild(index: number, at: number, out: Timer[]): void {
    const state = this.population.states[index]!;
    const tenant = state.tenant;
    for (const inst of state.instances) {
      const w = inst.wait;
      if (w === null || w.until !== at || inst.status !== 'waiting') continue;
      out.push({
        key: timerKey(tenant, w.token),
        tenant,
        member: state.id,
        at,
        kind: 'wait',
        name: w.token,
        data: null,
      });
    }
    for (const name in state.mechanicTimers) {
      const t = state.mechanicTimers[name]!;
      if (t.at !== at) continue;
      out.push({
        key: mechanicTimerKey(tenant, state.id, name),
        tenant,
        member: state.id,
        at,
        kind: 'mechanic',
        name,
        data: t.data,
      });
    }
  }
}
