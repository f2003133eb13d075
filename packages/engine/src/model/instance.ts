import type { EventView } from './event.js';

export type InstanceStatus = 'active' | 'waiting' | 'calling' | 'completed' | 'exited';

/** Where a parked instance waits: unique per (instance, step), named by `token`. */
export interface WaitState {
  step: string;
  /** `instance@step`: the timer key and the resume address. */
  token: string;
  /** When the wait began; a wait migrated to a new version keeps it. */
  since: number;
  /** Deadline (epoch ms) or null for a call without one. */
  until: number | null;
  /** The event that ends it, or null for a timer or a service call. */
  event: string | null;
}

/** One finished step: the step log a resumed instance replays instead of running again. */
export interface StepRecord {
  step: string;
  at: number;
  output: unknown;
}

/** One member in one journey, pinned to the playbook version it started on. */
export interface JourneyInstance {
  id: string;
  journey: string;
  version: string;
  /** The exact plugin versions it runs with, by instance id: those of its playbook version. */
  plugins: Readonly<Record<string, string>>;
  entryKey: string;
  status: InstanceStatus;
  /** Position of the step to run next, or of the step it is parked on. */
  pc: number;
  wait: WaitState | null;
  log: StepRecord[];
  /** `event` in scope: the trigger, then the last event a wait received. */
  event: EventView | null;
  startedAt: number;
  updatedAt: number;
  endedAt: number | null;
  goal: string | null;
  reason: string | null;
}

export function isLive(i: JourneyInstance): boolean {
  return i.status === 'active' || i.status === 'waiting' || i.status === 'calling';
}
