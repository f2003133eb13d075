import type { Effect } from '../model/effect.js';
import type { KithEvent } from '../model/event.js';
import type { JourneyInstance } from '../model/instance.js';
import { emptyList, ownList } from '../model/member.js';

/** A durable timer: a wait's deadline, a schedule's next run, a mechanic's reminder. */
export interface Timer {
  /** Unique per tenant: setting the same key again replaces the timer. */
  key: string;
  tenant: string;
  member: string | null;
  at: number;
  kind: 'wait' | 'schedule' | 'review' | 'mechanic';
  /** For a wait, its token; for a schedule, the journey; for a mechanic, `mechanic:name`. */
  name: string;
  data: Readonly<Record<string, unknown>> | null;
}

/**
 * A call to a shared-state service (group capacity, introductions, a mechanic's ledger): the
 * pure core cannot touch other members, so it asks, and the runtime answers with a `reply`.
 */
export interface ServiceRequest {
  service: string;
  tenant: string;
  member: string;
  /** Where the answer goes (a parked step's wait token, or a mechanic's), or null for no answer. */
  token: string | null;
  input: Readonly<Record<string, unknown>>;
}

/** What observers (funnel analytics, the editor's live view) see of a run. */
export interface TraceEntry {
  kind: 'entered' | 'step' | 'parked' | 'completed' | 'exited';
  at: number;
  member: string;
  journey: string;
  instance: string;
  version: string;
  step: string | null;
  output: unknown;
}

/** Everything one input produced; the runtime commits and carries it out. */
export interface Outcome {
  effects: Effect[];
  timers: Timer[];
  /** Keys of timers no longer needed (a wait ended early). */
  cancels: string[];
  /** Every event emitted while handling the input (the member's own were handled inline). */
  events: KithEvent[];
  /** Emitted events for other members or the community: the runtime ingests them. */
  forward: KithEvent[];
  requests: ServiceRequest[];
  /** Runs that ended: archived by the store. */
  finished: JourneyInstance[];
  trace: TraceEntry[];
}

/**
 * A new outcome's lists are the shared frozen empty list (`emptyList`): most inputs fill two or
 * three of the eight, and eight fresh arrays were a tenth of what an input allocated. A write that
 * does not go through `addTo` fails at once instead of filling every outcome.
 */
export function emptyOutcome(): Outcome {
  return {
    effects: emptyList(),
    timers: emptyList(),
    cancels: emptyList(),
    events: emptyList(),
    forward: emptyList(),
    requests: emptyList(),
    finished: emptyList(),
    trace: emptyList(),
  };
}

/** Adds an item to one of an outcome's lists (its own list made on the first item). */
export function addTo<K extends keyof Outcome>(out: Outcome, key: K, item: Outcome[K][number]): void {
  const list = ownList<Outcome[K][number]>(out[key]);
  list.push(item);
  out[key] = list as Outcome[K];
}

/** Appends everything `more` holds to `into`, list by list. */
export function mergeOutcome(into: Outcome, more: Outcome): void {
  for (let k = 0; k < OUTCOME_KEYS.length; k++) appendAll(into, OUTCOME_KEYS[k]!, more);
}

/**
 * Index loops, not `for…of`: the lists are of two kinds (the frozen empty and fresh ones), and
 * their iterators allocated on every reply merged.
 */
function appendAll<K extends keyof Outcome>(into: Outcome, key: K, more: Outcome): void {
  const items = more[key];
  if (items.length === 0) return;
  const list = ownList<Outcome[K][number]>(into[key]);
  for (let i = 0; i < items.length; i++) list.push(items[i]!);
  into[key] = list as Outcome[K];
}

const OUTCOME_KEYS = [
  'effects',
  'timers',
  'cancels',
  'events',
  'forward',
  'requests',
  'finished',
  'trace',
] as const satisfies readonly (keyof Outcome)[];
