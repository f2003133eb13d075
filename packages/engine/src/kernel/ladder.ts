import { isTruthy } from '@kith/playbook/browser';
import type { CompiledStage, CompiledTier } from '../compile/types.js';
import { EVENTS } from '../model/event.js';
import { appendedShared } from '../model/member.js';
import { startInstance } from './lifecycle.js';
import { mechanicsAllowStage } from './mechanics-bridge.js';
import type { Run } from './run.js';

/** A rung may be climbed to when its `when` holds and its `keepWhen` (if any) would keep it there. */
function qualifies(run: Run, rung: CompiledStage | CompiledTier): boolean {
  return (
    rung.when !== null &&
    isTruthy(rung.when(run.scope)) &&
    (rung.keepWhen === null || isTruthy(rung.keepWhen(run.scope)))
  );
}

function reachStage(run: Run, stage: CompiledStage, from: string | null): void {
  run.profile.stage = stage.id;
  run.dirty = true;
  if (!run.state.stagesReached.includes(stage.id)) {
    run.state.stagesReached = appendedShared(run.state.stagesReached, stage.id);
  }
  run.emit(EVENTS.stageReached, { stage: stage.id, from });
  for (const j of run.kernel.current.triggers.byStage.get(stage.id) ?? []) startInstance(run, j, null, '');
}

/** A new member starts in the first stage and the first tier. */
export function initMember(run: Run): void {
  const pb = run.kernel.current;
  const firstTier = pb.tiers[0];
  if (firstTier !== undefined && run.profile.tier === '') run.profile.tier = firstTier.id;
  const first = pb.stages[0];
  if (first !== undefined && run.profile.stage === null) reachStage(run, first, null);
}

/**
 * Stages move up at once when a later stage's `when` holds, through every stage in between
 * (each emits `stage.reached` and starts its stage-entry journeys); never down here. A mechanic's
 * gate (`mayReachStage`) stops the climb below the first stage it refuses.
 */
export function promoteStage(run: Run): void {
  const stages = run.kernel.current.stages;
  const cur = run.profile.stage === null ? -1 : (run.kernel.current.stageIndex.get(run.profile.stage) ?? -1);
  let target = cur;
  for (let k = stages.length - 1; k > cur; k--) {
    if (qualifies(run, stages[k]!)) {
      target = k;
      break;
    }
  }
  for (let k = cur + 1; k <= target; k++) {
    const stage = stages[k]!;
    if (!mechanicsAllowStage(run, stage.id, k)) return;
    reachStage(run, stage, run.profile.stage);
  }
}

/** The stage the periodic review keeps the member in: down from its own until a `keepWhen` holds. */
function reviewedStage(run: Run): string | null {
  const pb = run.kernel.current;
  if (run.profile.stage === null) return null;
  let cur = pb.stageIndex.get(run.profile.stage) ?? 0;
  while (cur > 0) {
    const keep = pb.stages[cur]!.keepWhen;
    if (keep === null || isTruthy(keep(run.scope))) break;
    cur--;
  }
  return pb.stages[cur]!.id;
}

/** The periodic review: a member whose stage's `keepWhen` fails moves down until one holds. */
export function reviewStage(run: Run): void {
  const from = run.profile.stage;
  const to = reviewedStage(run);
  if (to === null || to === from) return;
  run.profile.stage = to;
  run.dirty = true;
  run.emit(EVENTS.stageLeft, { stage: from, to });
}

function setTier(run: Run, tier: CompiledTier, by: 'promotion' | 'demotion'): void {
  const from = run.profile.tier;
  run.change({ op: 'tier', tier: tier.id, pin: false });
  run.emit(EVENTS.tierChanged, { from, to: tier.id, by });
}

/**
 * Tiers rank in written order. A member is promoted to the highest tier above its own whose
 * rule holds; a member whose tier's `keepWhen` fails drops to the highest lower tier whose `when`
 * holds (the first tier always does). A tier set by a step is not demoted automatically.
 */
export function evaluateTier(run: Run): void {
  const move = tierMove(run);
  if (move !== null) setTier(run, move.tier, move.by);
}

/** Where `evaluateTier` would move the member, or null to stay. Reads the scope, changes nothing. */
function tierMove(run: Run): { tier: CompiledTier; by: 'promotion' | 'demotion' } | null {
  const pb = run.kernel.current;
  const tiers = pb.tiers;
  if (tiers.length < 2) return null;
  const cur = pb.tierIndex.get(run.profile.tier) ?? 0;
  for (let k = tiers.length - 1; k > cur; k--) {
    if (qualifies(run, tiers[k]!)) return { tier: tiers[k]!, by: 'promotion' };
  }
  const keep = tiers[cur]?.keepWhen ?? null;
  if (cur === 0 || run.state.tierPinned || keep === null || isTruthy(keep(run.scope))) return null;
  let to = 0;
  for (let k = cur - 1; k > 0; k--) {
    const w = tiers[k]!.when;
    if (w !== null && isTruthy(w(run.scope))) {
      to = k;
      break;
    }
  }
  return { tier: tiers[to]!, by: 'demotion' };
}

/**
 * Whether the periodic review (`reviewStage`, then `evaluateTier`) would leave the member as it
 * is: its stage kept, its tier kept. Evaluates the same rules on the same scope, changing nothing.
 */
export function reviewKeeps(run: Run): boolean {
  return reviewedStage(run) === run.profile.stage && tierMove(run) === null;
}
