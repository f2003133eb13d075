import type { CompiledPlaybook } from '../compile/types.js';
import type { JourneyInstance } from '../model/instance.js';
import { finishInstance } from './lifecycle.js';
import { addTo } from './outcome.js';
import type { Run } from './run.js';
import { runInstance } from './step-loop.js';
import { timerKey } from './steps/wait.js';

export type MigrationMove =
  | { action: 'stay'; journey: string; from: string | null }
  | { action: 'end'; journey: string; from: string }
  | { action: 'move'; journey: string; from: string; to: string; pos: number };

/** The step a run is on: the one it is parked at, else the next one to run. */
export function currentStep(inst: JourneyInstance, pb: CompiledPlaybook | undefined): string | null {
  if (inst.wait !== null) return inst.wait.step;
  return pb?.journeys.get(inst.journey)?.steps[inst.pc]?.id ?? null;
}

/**
 * Where a run goes when `next` is published. Journeys not in `migrate` let their runs finish on
 * their version; in a listed journey, a step named in the map moves (or ends, for null) and a
 * step not named moves to the step with the same id, if the new version still has one.
 */
export function planMove(
  inst: JourneyInstance,
  old: CompiledPlaybook | undefined,
  next: CompiledPlaybook,
): MigrationMove {
  const from = currentStep(inst, old);
  const stay: MigrationMove = { action: 'stay', journey: inst.journey, from };
  if (inst.version === next.version || from === null) return stay;
  const map = next.migrate[inst.journey];
  const journey = next.journeys.get(inst.journey);
  if (map === undefined || journey === undefined) return stay;
  const target = Object.hasOwn(map, from) ? map[from] : journey.positions.has(from) ? from : undefined;
  if (target === undefined) return stay;
  if (target === null) return { action: 'end', journey: inst.journey, from };
  const pos = journey.positions.get(target);
  return pos === undefined ? stay : { action: 'move', journey: inst.journey, from, to: target, pos };
}

/** Applies the current version's migrate map to the member's runs on older versions. */
export function migrateMember(run: Run): void {
  const next = run.kernel.current;
  for (const inst of run.state.instances.slice()) {
    const move = planMove(inst, run.kernel.version(inst.version), next);
    if (move.action === 'stay') continue;
    if (move.action === 'end') {
      finishInstance(run, inst, 'exited', null, 'migrated');
      continue;
    }
    const since = inst.wait?.since ?? null;
    if (inst.wait !== null && inst.wait.until !== null)
      addTo(run.out, 'cancels', timerKey(run.tenant, inst.wait.token));
    inst.wait = null;
    inst.version = next.version;
    inst.plugins = next.plugins;
    inst.pc = move.pos;
    inst.status = 'active';
    const target = next.journeys.get(inst.journey)!.steps[move.pos]!;
    run.carriedSince = target.kind === 'wait' ? since : null;
    runInstance(run, inst, null);
  }
}
