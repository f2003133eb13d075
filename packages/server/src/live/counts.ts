import { type CompiledPlaybook, FunnelTally, type Store } from '@kith/engine';

/**
 * The live view's `counts`: where members are now. Built from member states only (no finished
 * runs), so that it costs one pass over the members and nothing that grows with history.
 */
export interface LiveCounts {
  at: number;
  version: string;
  members: number;
  left: number;
  stages: { stage: string; reached: number; current: number }[];
  tiers: Record<string, number>;
  goals: Record<string, number>;
  /** Runs in progress per journey, and per step where they wait. */
  journeys: { journey: string; active: number; waiting: Record<string, number> }[];
}

export async function liveCounts(
  store: Store,
  tenant: string,
  playbook: CompiledPlaybook,
  at: number,
): Promise<LiveCounts> {
  const tally = new FunnelTally(playbook);
  for await (const id of store.memberIds(tenant)) {
    const state = await store.loadMember(tenant, id);
    if (state !== undefined) tally.addMember(state);
  }
  const f = tally.funnel();
  return {
    at,
    version: playbook.version,
    members: f.members,
    left: f.left,
    stages: f.stages.map((s) => ({ stage: s.stage, reached: s.reached, current: s.current })),
    tiers: f.tiers,
    goals: f.goals,
    journeys: f.journeys.map((j) => ({
      journey: j.journey,
      active: j.active,
      waiting: Object.fromEntries(j.steps.filter((s) => s.waiting > 0).map((s) => [s.step, s.waiting])),
    })),
  };
}
