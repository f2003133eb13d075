import type { JourneyInstance, Kernel, Store } from '@kith/engine';

/**
 * Finished runs, where the store keeps them: the Store port has no reader for its archive, so
 * this reads the two the project ships (MemoryStore's `finished`, SqlStore's `finishedRuns`).
 * A store with neither has no history: only runs in progress are shown.
 */
export async function finishedRuns(store: Store, tenant: string): Promise<readonly JourneyInstance[]> {
  const s = store as Store & {
    finishedRuns?: (tenant: string) => Promise<JourneyInstance[]>;
    finished?: Map<string, JourneyInstance[]>;
  };
  if (typeof s.finishedRuns === 'function') return s.finishedRuns(tenant);
  if (s.finished instanceof Map) return s.finished.get(tenant) ?? [];
  return [];
}

/**
 * The member of a run, from its id (`member:journey:n` or `member:journey[key]:n`, see the
 * engine's `instanceId`); member ids may hold colons, so the journey anchors the split.
 */
export function memberOfRun(run: JourneyInstance): string | undefined {
  const plain = run.id.lastIndexOf(`:${run.journey}:`);
  const keyed = run.id.indexOf(`:${run.journey}[`);
  const at = plain >= 0 && /^\d+$/.test(run.id.slice(plain + run.journey.length + 2)) ? plain : keyed;
  return at > 0 ? run.id.slice(0, at) : undefined;
}

/** The step a run is on: where it waits, else the one it runs next; null once past the last. */
export function currentStep(kernel: Kernel | undefined, run: JourneyInstance): string | null {
  if (run.wait !== null) return run.wait.step;
  return kernel?.version(run.version)?.journeys.get(run.journey)?.steps[run.pc]?.id ?? null;
}

/** A run as the API shows it. */
export function runView(kernel: Kernel | undefined, run: JourneyInstance, member: string | undefined) {
  return {
    id: run.id,
    member: member ?? null,
    journey: run.journey,
    version: run.version,
    status: run.status,
    step: run.status === 'completed' || run.status === 'exited' ? null : currentStep(kernel, run),
    waitingFor:
      run.wait === null ? null : { step: run.wait.step, event: run.wait.event, until: run.wait.until },
    startedAt: run.startedAt,
    updatedAt: run.updatedAt,
    endedAt: run.endedAt,
    goal: run.goal,
    reason: run.reason,
  };
}
