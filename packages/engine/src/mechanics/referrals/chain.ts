import type { Store } from '../../ports/store.js';

export interface ChainLink {
  id: string;
  /** The referrer's tier now: level restrictions apply to the tier a referrer has when they earn. */
  tier: string;
}

/** Longest referral chain walked (cycle and runaway guard; commissions use at most three levels). */
export const MAX_CHAIN = 64;

/**
 * The referrers above a member, the direct one first, at most `depth` of them, read from the
 * committed member states. A chain that comes back to `member` (or repeats) stops there.
 */
export async function referrerChain(
  store: Store,
  tenant: string,
  member: string,
  first: string | null,
  depth: number,
): Promise<ChainLink[]> {
  const out: ChainLink[] = [];
  const seen = new Set([member]);
  let id = first;
  while (id !== null && out.length < Math.min(depth, MAX_CHAIN) && !seen.has(id)) {
    seen.add(id);
    const state = await store.loadMember(tenant, id);
    if (state === undefined) break;
    out.push({ id, tier: state.profile.tier });
    id = state.profile.referrer;
  }
  return out;
}

/**
 * Whether `candidate` may become `member`'s referrer: someone else, who has joined, and not below
 * `member` in the referral graph (that would close a cycle).
 */
export async function mayRefer(
  store: Store,
  tenant: string,
  member: string,
  candidate: string,
): Promise<boolean> {
  if (candidate === member) return false;
  const state = await store.loadMember(tenant, candidate);
  if (state === undefined || state.profile.joinedAt === null) return false;
  const seen = new Set<string>([candidate]);
  let up = state.profile.referrer;
  for (let depth = 0; up !== null && depth < MAX_CHAIN && !seen.has(up); depth++) {
    if (up === member) return false;
    seen.add(up);
    up = (await store.loadMember(tenant, up))?.profile.referrer ?? null;
  }
  return true;
}
