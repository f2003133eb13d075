import { describe, expect, it } from 'vitest';
import { createTestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

function pool(spec: string): string {
  return withJourneys(
    `
- journey: join
  on: member.joined
  steps:
    - { id: g, group: { assign: mums } }
`,
    `groups:\n  mums: ${spec}\n`,
  );
}

async function groupsOf(
  kit: Awaited<ReturnType<typeof createTestKit>>,
  ids: string[],
): Promise<(string | undefined)[]> {
  return Promise.all(ids.map(async (id) => (await kit.member(id)).profile.groups.mums));
}

describe('group assignment', () => {
  it('fills a group exactly to capacity, then opens a new group for the next member', async () => {
    const kit = await createTestKit(
      pool(`{ via: tg, capacity: 3, shard: fill, overflow: open-new, name: "Mums {{ n }}" }`),
    );
    for (const id of ['a', 'b', 'c']) await kit.event('member.joined', id);
    // a pool with no groups opens one for its first member: a, b, c fill it exactly
    expect(await groupsOf(kit, ['a', 'b', 'c'])).toEqual(['mums-1', 'mums-1', 'mums-1']);
    expect(kit.effects.of('group.open')).toHaveLength(1);
    await kit.event('member.joined', 'd');
    expect(await groupsOf(kit, ['d'])).toEqual(['mums-2']);
    const opens = kit.effects.of('group.open').map((e) => e.data);
    expect(opens).toEqual([
      { pool: 'mums', group: 'mums-1', name: 'Mums 1', members: ['a'] },
      { pool: 'mums', group: 'mums-2', name: 'Mums 2', members: ['d'] },
    ]);
    expect(kit.effects.of('group.add').map((e) => (e.data as { member: string }).member)).toEqual(['b', 'c']);
    const state = await kit.store.readShared<{ groups: { id: string; size: number }[] }>(
      'test',
      'groups',
      'mums',
    );
    expect(state?.groups.map((g) => [g.id, g.size])).toEqual([
      ['mums-1', 3],
      ['mums-2', 1],
    ]);
  });

  it('fills the newest group with room: a seat freed in an older group is taken once the newer are full', async () => {
    const kit = await createTestKit(pool(`{ via: tg, capacity: 2, shard: fill, overflow: open-new }`));
    for (const id of ['a', 'b', 'c', 'd']) await kit.event('member.joined', id);
    expect(await groupsOf(kit, ['a', 'b', 'c', 'd'])).toEqual(['mums-1', 'mums-1', 'mums-2', 'mums-2']);
    await kit.event('member.left', 'a');
    await kit.event('member.left', 'c');
    // both groups have room: the newest first, then the older one, then a new group
    for (const id of ['e', 'f', 'g']) await kit.event('member.joined', id);
    expect(await groupsOf(kit, ['e', 'f', 'g'])).toEqual(['mums-2', 'mums-1', 'mums-3']);
  });

  it('never exceeds capacity under many concurrent joins', async () => {
    const kit = await createTestKit(pool(`{ via: tg, capacity: 7, shard: balance }`));
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        kit.runtime.ingest({ tenant: 'test', id: `j${i}`, type: 'member.joined', member: `m${i}` }),
      ),
    );
    const state = await kit.store.readShared<{ groups: { size: number }[] }>('test', 'groups', 'mums');
    expect(state?.groups.every((g) => g.size <= 7)).toBe(true);
    expect(state?.groups.reduce((n, g) => n + g.size, 0)).toBe(50);
    expect(state?.groups).toHaveLength(8);
  });

  it('fills existing groups first, balancing across those with room', async () => {
    const kit = await createTestKit(pool(`{ via: tg, capacity: 2, shard: balance, groups: ['g1', 'g2'] }`));
    for (const id of ['a', 'b', 'c', 'd', 'e']) await kit.event('member.joined', id);
    expect(await groupsOf(kit, ['a', 'b', 'c', 'd', 'e'])).toEqual(['g1', 'g2', 'g1', 'g2', 'mums-3']);
  });

  it('shards by attribute: members of a value share its groups', async () => {
    const kit = await createTestKit(pool(`{ via: tg, capacity: 2, shard: by-attribute, by: city }`));
    const cities: Record<string, string> = { a: 'HZ', b: 'SH', c: 'HZ', d: 'HZ' };
    for (const [id, city] of Object.entries(cities))
      await kit.event('member.joined', id, { attributes: { city } });
    expect(await groupsOf(kit, ['a', 'b', 'c', 'd'])).toEqual(['mums-1', 'mums-2', 'mums-1', 'mums-3']);
  });

  it('waitlists when full, and seats the first waiting member when someone leaves', async () => {
    const kit = await createTestKit(pool(`{ via: tg, capacity: 2, overflow: waitlist, groups: ['g1'] }`));
    for (const id of ['a', 'b', 'c']) await kit.event('member.joined', id);
    expect(await groupsOf(kit, ['a', 'b', 'c'])).toEqual(['g1', 'g1', undefined]);
    expect(kit.effects.of('group.open')).toEqual([]);
    await kit.event('member.left', 'a');
    expect(await groupsOf(kit, ['a', 'c'])).toEqual([undefined, 'g1']);
    expect(kit.effects.of('group.add').map((e) => (e.data as { member: string }).member)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });
});
