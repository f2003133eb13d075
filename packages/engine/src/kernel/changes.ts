import { appendedShared, type MemberState, ownRecord, withEntry, withoutEntry } from '../model/member.js';

/**
 * A change to a member, as steps and mechanics express it. Everything that changes a profile goes
 * through `applyChange`, so the engine knows when to re-evaluate tiers, stages, segments and exits.
 */
export type MemberChange =
  | { op: 'set'; key: string; value: unknown }
  | { op: 'tag'; add?: readonly string[]; remove?: readonly string[] }
  | { op: 'badge'; add: string }
  | { op: 'points'; delta: number; reason?: string }
  | { op: 'tier'; tier: string; pin?: boolean }
  | { op: 'streak'; name: string; value: number }
  | { op: 'count'; field: 'referrals' | 'referralsTotal' | 'checkins' | 'strikes'; delta: number }
  | { op: 'referrer'; member: string; name?: string | null }
  | { op: 'group'; pool: string; group: string | null }
  | {
      op: 'profile';
      field: 'name' | 'locale' | 'timezone' | 'source' | 'inviteCode' | 'inviteLink';
      value: string;
    }
  | { op: 'identity'; channel: string; address: string }
  | { op: 'covenant'; accepted: boolean }
  | { op: 'goal'; goal: string }
  /** The ledger cancelled an order (a failed campaign, a refused payment): `spent` and `orders` drop it. */
  | { op: 'order'; order: string; status: 'cancelled' }
  /** A mechanic's private per-member state (applied under the mechanic's name). */
  | { op: 'state'; value: unknown };

/** Applies one change; returns whether the profile changed. `owner` names the mechanic for `state`. */
export function applyChange(state: MemberState, c: MemberChange, owner: string | null): boolean {
  const p = state.profile;
  switch (c.op) {
    case 'set':
      if (p.attributes[c.key] === c.value) return false;
      p.attributes = withEntry(p.attributes, c.key, c.value);
      return true;
    case 'tag': {
      let changed = false;
      for (const t of c.add ?? []) {
        if (!p.tags.includes(t)) {
          p.tags = appendedShared(p.tags, t);
          changed = true;
        }
      }
      for (const t of c.remove ?? []) {
        const i = p.tags.indexOf(t);
        if (i >= 0) {
          p.tags = p.tags.filter((x) => x !== t);
          changed = true;
        }
      }
      return changed;
    }
    case 'badge':
      if (p.badges.includes(c.add)) return false;
      p.badges = appendedShared(p.badges, c.add);
      return true;
    case 'points':
      if (!Number.isFinite(c.delta) || c.delta === 0) return false;
      p.points += c.delta;
      return true;
    case 'tier':
      state.tierPinned = c.pin ?? state.tierPinned;
      if (p.tier === c.tier) return false;
      p.tier = c.tier;
      return true;
    case 'streak':
      if (p.streaks[c.name] === c.value) return false;
      p.streaks = withEntry(p.streaks, c.name, c.value);
      return true;
    case 'count':
      if (c.delta === 0) return false;
      p[c.field] += c.delta;
      return true;
    case 'referrer':
      if (p.referrer !== null) return false;
      p.referrer = c.member;
      state.referrerName = c.name ?? null;
      return true;
    case 'group':
      if (c.group === null) {
        if (!(c.pool in p.groups)) return false;
        p.groups = withoutEntry(p.groups, c.pool);
        return true;
      }
      if (p.groups[c.pool] === c.group) return false;
      p.groups = withEntry(p.groups, c.pool, c.group);
      return true;
    case 'profile':
      if (p[c.field] === c.value) return false;
      p[c.field] = c.value;
      return true;
    case 'identity':
      if (p.identities[c.channel] === c.address) return false;
      p.identities = ownRecord(p.identities);
      p.identities[c.channel] = c.address;
      return true;
    case 'covenant':
      if (p.covenantAccepted === c.accepted) return false;
      p.covenantAccepted = c.accepted;
      return true;
    case 'goal':
      if (p.goals.includes(c.goal)) return false;
      p.goals = appendedShared(p.goals, c.goal);
      return true;
    case 'order': {
      const o = state.orders[c.order];
      if (o === undefined || o.status === c.status) return false;
      if (o.status === 'paid' || o.status === 'partially-refunded') {
        p.spent -= o.amount - o.refunded;
        p.orders -= 1;
      }
      o.status = c.status;
      return true;
    }
    case 'state':
      if (owner === null) return false;
      state.mechanics = ownRecord(state.mechanics);
      state.mechanics[owner] = c.value;
      // private state is not in any expression's scope: nothing to re-evaluate
      return false;
  }
}
