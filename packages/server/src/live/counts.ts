import { type CompiledPlaybook, FunnelTally, ordered, type Store } from '@kith/engine';
import type { MemberTallies, SqlStore } from '@kith/store-sql';

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

/** A store that counts where members are in the database (SqlStore). */
type TallyingStore = Pick<SqlStore, 'memberTallies'>;

function tallies(store: Store): store is Store & TallyingStore {
  return typeof (store as Partial<TallyingStore>).memberTallies === 'function';
}

/** The live counts from database aggregates: what `FunnelTally` would count from the members. */
function fromTallies(t: MemberTallies, playbook: CompiledPlaybook, at: number): LiveCounts {
  const tiers = { ...t.tiers };
  delete tiers[''];
  return {
    at,
    version: playbook.version,
    members: t.members,
    left: t.left,
    stages: playbook.stages.map((s) => ({
      stage: s.id,
      reached: t.reached[s.id] ?? 0,
      current: t.stages[s.id] ?? 0,
    })),
    tiers: ordered(
      tiers,
      playbook.tiers.map((x) => x.id),
    ),
    goals: ordered(t.goals),
    journeys: [...playbook.journeys.values()].map((j) => {
      const runs = t.runs.filter((r) => r.journey === j.id);
      const waiting: Record<string, number> = {};
      for (const step of j.steps) {
        const n = runs.filter((r) => r.step === step.id).reduce((sum, r) => sum + r.count, 0);
        if (n > 0) waiting[step.id] = n;
      }
      return { journey: j.id, active: runs.reduce((sum, r) => sum + r.count, 0), waiting };
    }),
  };
}

export async function liveCounts(
  store: Store,
  tenant: string,
  playbook: CompiledPlaybook,
  at: number,
): Promise<LiveCounts> {
  if (tallies(store)) return fromTallies(await store.memberTallies(tenant), playbook, at);
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
