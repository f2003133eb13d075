import type { CompiledJourney } from '../compile/types.js';
import { EVENTS, type EventView } from '../model/event.js';
import type { InstanceStatus, JourneyInstance } from '../model/instance.js';
import { appended, type EntryRecord, emptyList, ownRecord } from '../model/member.js';
import { addTo } from './outcome.js';
import type { Run } from './run.js';
import { timerKey } from './steps/wait.js';

/**
 * Entry records come from a constructor, not an object literal: once a playbook has been
 * validated in the process, V8 makes that four-field literal in dictionary mode (448 bytes instead
 * of ~40, seen with `%HasFastProperties`), and a million members keep several each.
 */
class Entry implements EntryRecord {
  constructor(
    public runs: number,
    public lastEnteredAt: number,
    public lastExitedAt: number | null,
    public active: string | null,
  ) {}
}

function entryId(journey: string, key: string): string {
  return `${journey}\u0000${key}`;
}

export function instanceId(member: string, journey: string, key: string, run: number): string {
  // joined into one flat string: a run's id is kept (by the run, its entry record, its orders) as
  // long as the member, and a template literal's result is a chain of pieces twice its size
  if (key === '') return [member, ':', journey, ':', run].join('');
  return [member, ':', journey, '[', key, ']:', run].join('');
}

/**
 * The re-entry rule, per (member, journey, entry key): `once` ever; `always` whenever it triggers
 * unless a run with the same key is still going (distinct keys run side by side); `after-exit`
 * only when no run of the journey is going at all; `{ after }` once the cool-down since the last
 * entry has passed and no run with the key is going.
 */
function mayEnter(run: Run, journey: CompiledJourney, record: EntryRecord | undefined): boolean {
  const r = journey.reentry;
  if (record === undefined) {
    return r.kind !== 'after-exit' || !run.state.instances.some((i) => i.journey === journey.id);
  }
  switch (r.kind) {
    case 'once':
      return false;
    case 'always':
      return record.active === null;
    case 'after-exit':
      return record.active === null && !run.state.instances.some((i) => i.journey === journey.id);
    case 'after':
      return record.active === null && run.now - record.lastEnteredAt >= r.ms;
  }
}

/** Starts a run of a journey for the member if its re-entry rule allows; returns it, or null. */
export function startInstance(
  run: Run,
  journey: CompiledJourney,
  event: EventView | null,
  defaultKey: string,
): JourneyInstance | null {
  if (!journey.enabled) return null;
  let key = defaultKey;
  if (journey.entryKey !== null) {
    run.scope.event = event;
    const v = run.evaluate(journey.entryKey);
    key = v === null || v === undefined ? defaultKey : String(v);
  }
  const id = entryId(journey.id, key);
  const record = run.state.entries[id];
  if (!mayEnter(run, journey, record)) return null;
  const n = (record?.runs ?? 0) + 1;
  const inst: JourneyInstance = {
    id: instanceId(run.state.id, journey.id, key, n),
    journey: journey.id,
    version: run.kernel.current.version,
    plugins: run.kernel.current.plugins,
    entryKey: key,
    status: 'active',
    pc: 0,
    wait: null,
    log: emptyList(),
    event,
    startedAt: run.now,
    updatedAt: run.now,
    endedAt: null,
    goal: null,
    reason: null,
  };
  run.state.entries = ownRecord(run.state.entries);
  run.state.entries[id] = new Entry(n, run.now, record?.lastExitedAt ?? null, inst.id);
  // at its exact size: most members have one run going, and a pushed-to empty list keeps 17 slots
  run.state.instances = appended(run.state.instances, inst);
  trace(run, 'entered', inst, null, null);
  return inst;
}

/** Ends a run: cancels its timer, frees its entry, archives it, records its goal. */
export function finishInstance(
  run: Run,
  inst: JourneyInstance,
  status: Extract<InstanceStatus, 'completed' | 'exited'>,
  goal: string | null,
  reason: string | null,
): void {
  if (inst.wait !== null && inst.wait.until !== null)
    addTo(run.out, 'cancels', timerKey(run.tenant, inst.wait.token));
  inst.wait = null;
  inst.status = status;
  inst.endedAt = run.now;
  inst.updatedAt = run.now;
  inst.goal = goal;
  inst.reason = reason;
  const list = run.state.instances;
  const i = list.indexOf(inst);
  if (i >= 0) list.splice(i, 1);
  // most members end with no run going: drop the room the list grew for them (back to the
  // shared empty list a new member starts with)
  if (list.length === 0 && i >= 0) run.state.instances = emptyList();
  const record = run.state.entries[entryId(inst.journey, inst.entryKey)];
  if (record !== undefined && record.active === inst.id) {
    record.active = null;
    record.lastExitedAt = run.now;
  }
  addTo(run.out, 'finished', inst);
  trace(run, status, inst, null, reason);
  if (goal !== null) {
    run.change({ op: 'goal', goal });
    run.emit(EVENTS.goalReached, { goal, journey: inst.journey, instance: inst.id });
  }
}

export function trace(
  run: Run,
  kind: 'entered' | 'step' | 'parked' | 'completed' | 'exited',
  inst: JourneyInstance,
  step: string | null,
  output: unknown,
): void {
  if (!run.kernel.options.trace) return;
  addTo(run.out, 'trace', {
    kind,
    at: run.now,
    member: run.state.id,
    journey: inst.journey,
    instance: inst.id,
    version: inst.version,
    step,
    output,
  });
}
