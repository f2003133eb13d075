import type { MemberState } from '../model/member.js';
import type { Outcome, Timer } from './outcome.js';
import { timerKey } from './steps/wait.js';

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
    for (const inst of state.instances) if (inst.wait?.token === t.name && inst.wait.until === t.at) return;
    out.timers.length = 0;
    return;
  }
  const live = new Map<string, number>();
  for (const inst of state.instances) {
    if (inst.wait !== null && inst.wait.until !== null)
      live.set(timerKey(tenant, inst.wait.token), inst.wait.until);
  }
  const last = new Map<string, Timer>();
  for (const t of out.timers) if (t.kind !== 'wait' || live.get(t.key) === t.at) last.set(t.key, t);
  out.timers = [...last.values()];
  out.cancels = out.cancels.filter((k) => !last.has(k) && !live.has(k));
}
