import type { PlaybookTest, ResolvedPlaybook } from '@kith/playbook/browser';
import { type MemberState, newMemberState } from '../model/member.js';
import type { TestKit } from '../testing/harness.js';

export type TestMember = PlaybookTest['members'][string];

/** Members who join at the start, in declaration order, each after the member who referred it. */
export function joinOrder(members: PlaybookTest['members']): string[] {
  const out: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (out.includes(name) || visiting.has(name)) return;
    const m = members[name];
    if (m === undefined || m.joined === false) return;
    visiting.add(name);
    if (m.referrer !== undefined) visit(m.referrer);
    out.push(name);
  };
  for (const name of Object.keys(members)) visit(name);
  return out;
}

/**
 * A starting tier or points go into the member's state before it joins (no event sets them). The
 * tier is pinned, as if set by hand: automatic demotion leaves it alone.
 */
export async function seedMember(kit: TestKit, name: string, m: TestMember): Promise<void> {
  if (m.tier === undefined && m.points === undefined) return;
  if ((await kit.runtime.member(kit.tenant, name)) !== undefined) return;
  const state: MemberState = newMemberState(kit.tenant, name);
  if (m.tier !== undefined) {
    state.profile.tier = m.tier;
    state.tierPinned = true;
  }
  if (m.points !== undefined) state.profile.points = m.points;
  await kit.store.commitMember({
    tenant: kit.tenant,
    state,
    expectedRev: 0,
    eventId: null,
    effects: [],
    finished: [],
  });
}

/** `member.joined` data for a test member: its profile, and an address on every channel. */
export function joinData(playbook: ResolvedPlaybook, name: string, m: TestMember): Record<string, unknown> {
  const channels = Object.keys(playbook.channels ?? {});
  const data: Record<string, unknown> = {
    name: m.name ?? name,
    identities: Object.fromEntries(channels.map((c) => [c, `${name}@${c}`])),
  };
  if (m.timezone !== undefined) data.timezone = m.timezone;
  if (m.locale !== undefined) data.locale = m.locale;
  if (m.attributes !== undefined) data.attributes = m.attributes;
  if (m.tags !== undefined) data.tags = m.tags;
  if (m.entry !== undefined) data.entry = m.entry;
  if (m.referrer !== undefined) data.referrer = m.referrer;
  return data;
}
