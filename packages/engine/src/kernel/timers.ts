import type { MemberState } from '../model/member.js';
import type { Outcome, Timer } from './outcome.js';
import { isTimerKey } from './steps/wait.js';

/**
 * Keeps only the timers the final state still needs: a wait set and ended within the same input
 * needs no timer, and a key cancelled and set again (a migrated wait) is a replacement.
 */
export function reconcileTimers(tenant: string, state: MemberState, out: Outcome): void {
  // nothing set, nothing cancelled: nothing to reconcile (after most service replies)
  if (out.cancels.length === 0 && out.timers.length === 0) return;
  // the common case, one new wait and nothing cancelled, needs no bookkeeping
  if (out.cancels.length === 0 && out.timers.length === 1) {
    const t = out.timers[0]!;
    if (t.kind !== 'wait') return;
    if (!waitsUntil(state, t.name, t.at)) out.timers.length = 0;
    return;
  }
  // a few timers and cancels at most: lists, not maps (this runs after most inputs)
  const kept: Timer[] = [];
  for (let i = 0; i < out.timers.length; i++) {
    const t = out.timers[i]!;
    if (t.kind === 'wait' && !waitsUntil(state, t.name, t.at)) continue;
    // the last timer set for a key replaces the earlier, in the earlier's place
    const j = indexOfKey(kept, t.key);
    if (j >= 0) kept[j] = t;
    else kept.push(t);
  }
  out.timers = kept;
  if (out.cancels.length > 0)
    out.cancels = out.cancels.filter((k) => indexOfKey(kept, k) < 0 && !hasDeadline(tenant, state, k));
}

/** Whether a run still waits on `token` with this deadline. */
function waitsUntil(state: MemberState, token: string, at: number): boolean {
  // index loops here: `instances` is at times the frozen empty list, and `for…of` over lists of
  // both kinds allocates an iterator per call
  const runs = state.instances;
  for (let i = 0; i < runs.length; i++) {
    const w = runs[i]!.wait;
    if (w !== null && w.token === token && w.until === at) return true;
  }
  return false;
}

/** Whether a run still waits with a deadline whose timer has this key. */
function hasDeadline(tenant: string, state: MemberState, key: string): boolean {
  const runs = state.instances;
  for (let i = 0; i < runs.length; i++) {
    const w = runs[i]!.wait;
    if (w !== null && w.until !== null && isTimerKey(key, tenant, w.token)) return true;
  }
  return false;
}

function indexOfKey(timers: readonly Timer[], key: string): number {
  for (let i = 0; i < timers.length; i++) if (timers[i]!.key === key) return i;
  return -1;
}
