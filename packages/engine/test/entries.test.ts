import { describe, expect, it } from 'vitest';
import { entries } from '../src/mechanics/entries/index.js';
import { createTestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const PB = withJourneys(
  `
- journey: welcome
  on: member.joined
  steps:
    - { id: hi, send: { via: tg, text: "Welcome {{ member.name }} from {{ member.source }}" } }
- journey: hello-group
  on: say.hi
  steps:
    - { id: hi, send: { via: tg, to: group, text: "Hello group" } }
`,
  `entries:
  poster: { kind: qr, via: tg, group: guests, source: lobby-poster }
  link: { kind: link, via: tg }
groups:
  guests: { via: tg, capacity: 2, shard: fill, overflow: open-new, name: "Guests {{ n }}" }
`,
);

type Kit = Awaited<ReturnType<typeof createTestKit>>;

async function member(kit: Kit, id: string): Promise<[Record<string, string>, string | null]> {
  const m = await kit.member(id);
  return [m.profile.groups, m.profile.source];
}

describe('entries', () => {
  it('place members who join through an entry with a group in that pool, and record the source', async () => {
    const kit = await createTestKit(PB, { mechanics: [entries] });
    for (const id of ['a', 'b', 'c']) await kit.event('member.joined', id, { name: id, entry: 'poster' });
    expect(await member(kit, 'a')).toEqual([{ guests: 'guests-1' }, 'lobby-poster']);
    expect(await member(kit, 'b')).toEqual([{ guests: 'guests-1' }, 'lobby-poster']);
    // the first group is full: the channel is asked to open the next one, with c in it
    expect(await member(kit, 'c')).toEqual([{ guests: 'guests-2' }, 'lobby-poster']);
    expect(kit.effects.of('group.open').map((e) => e.data)).toEqual([
      { pool: 'guests', group: 'guests-1', name: 'Guests 1', members: ['a'] },
      { pool: 'guests', group: 'guests-2', name: 'Guests 2', members: ['c'] },
    ]);
    expect(kit.effects.of('group.add').map((e) => (e.data as { member: string }).member)).toEqual(['b']);
    expect(kit.texts('c')).toEqual(['Welcome c from lobby-poster']);
    // a journey later on finds the member in its group
    await kit.event('say.hi', 'c');
    expect(kit.effects.messages('c')[1]?.to).toEqual({
      kind: 'group',
      member: 'c',
      pool: 'guests',
      group: 'guests-2',
    });
  });

  it('leave other members where they are: an entry without a group, or no entry', async () => {
    const kit = await createTestKit(PB, { mechanics: [entries] });
    await kit.event('member.joined', 'd', { entry: 'link' });
    await kit.event('member.joined', 'e');
    expect(await member(kit, 'd')).toEqual([{}, 'link']);
    expect(await member(kit, 'e')).toEqual([{}, null]);
    expect(kit.effects.of('group.open')).toEqual([]);
  });

  it('a member who leaves frees its seat; one who comes back through the entry is placed again', async () => {
    const kit = await createTestKit(PB, { mechanics: [entries] });
    await kit.event('member.joined', 'a', { entry: 'poster' });
    await kit.event('member.joined', 'b', { entry: 'poster' });
    await kit.event('member.left', 'a');
    await kit.event('member.joined', 'c', { entry: 'poster' });
    await kit.event('member.joined', 'a', { entry: 'poster' });
    expect(await member(kit, 'c')).toEqual([{ guests: 'guests-1' }, 'lobby-poster']);
    expect(await member(kit, 'a')).toEqual([{ guests: 'guests-2' }, 'lobby-poster']);
  });
});
