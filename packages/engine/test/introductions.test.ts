import { describe, expect, it } from 'vitest';
import { createTestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const PB = withJourneys(`
- journey: intro
  on: intro.please
  reentry: always
  entryKey: event.n
  steps:
    - id: meet
      introduce:
        by: [city, kid]
        count: 3
        among: member.attributes.open == true
        via: tg
        text: "{{ member.name }}, meet {{ peer.name }} from {{ peer.attributes.city }}"
- journey: introduced
  on: introduction.made
  reentry: always
  steps:
    - { id: t, tag: introduced }
`);

type Kit = Awaited<ReturnType<typeof createTestKit>>;

async function join(kit: Kit, id: string, city: string, kid: number, open = true): Promise<void> {
  await kit.event('member.joined', id, { name: id.toUpperCase(), attributes: { city, kid, open } });
}

let n = 0;
async function ask(kit: Kit, id: string): Promise<void> {
  await kit.event('intro.please', id, { n: ++n });
}

describe('introductions', () => {
  it('pair only members sharing every attribute, tell both sides, and never the same pair twice', async () => {
    const kit = await createTestKit(PB);
    await join(kit, 'a', 'HZ', 1);
    await join(kit, 'b', 'HZ', 1);
    await join(kit, 'c', 'SH', 1); // another city
    await join(kit, 'd', 'HZ', 2); // another kid age
    await join(kit, 'e', 'HZ', 1, false); // not open to introductions (`among`)
    await ask(kit, 'a');
    expect(kit.texts('a')).toEqual(['A, meet B from HZ']);
    // the peer hears of it too, in its own words, and its journeys see introduction.made
    expect(kit.texts('b')).toEqual(['B, meet A from HZ']);
    expect((await kit.member('b')).profile.tags).toEqual(['introduced']);
    expect(kit.texts('c')).toEqual([]);
    expect(kit.texts('d')).toEqual([]);
    expect(kit.texts('e')).toEqual([]);
    // neither direction again
    await ask(kit, 'a');
    await ask(kit, 'b');
    expect(kit.texts('a')).toHaveLength(1);
    expect(kit.texts('b')).toHaveLength(1);
  });

  it('follows members as their attributes change, and leaves out members who left', async () => {
    const kit = await createTestKit(PB);
    await join(kit, 'a', 'HZ', 1);
    await join(kit, 'd', 'HZ', 2);
    await join(kit, 'f', 'HZ', 1);
    await kit.event('member.left', 'f');
    await ask(kit, 'a');
    expect(kit.texts('a')).toEqual([]);
    await kit.event('member.updated', 'd', { attributes: { kid: 1 } });
    await ask(kit, 'a');
    expect(kit.texts('a')).toEqual(['A, meet D from HZ']);
    await kit.event('member.joined', 'f'); // back again
    await ask(kit, 'a');
    expect(kit.texts('a')).toEqual(['A, meet D from HZ', 'A, meet F from HZ']);
  });

  it('makes at most `count` introductions per step', async () => {
    const kit = await createTestKit(PB.replace('count: 3', 'count: 2'));
    for (const id of ['a', 'b', 'c', 'd']) await join(kit, id, 'HZ', 1);
    await ask(kit, 'a');
    expect(kit.texts('a')).toHaveLength(2);
    await ask(kit, 'a');
    expect(kit.texts('a')).toHaveLength(3);
  });

  it('two members asking at the same moment are introduced once', async () => {
    const kit = await createTestKit(PB);
    for (const id of ['a', 'b']) await join(kit, id, 'HZ', 1);
    await Promise.all(
      ['a', 'b'].map((id) =>
        kit.runtime.ingest({
          tenant: 'test',
          id: `ask-${id}`,
          type: 'intro.please',
          member: id,
          data: { n: 0 },
        }),
      ),
    );
    await kit.runtime.tick();
    // one side asked and got it, the other was told: two messages, not four
    expect([...kit.texts('a'), ...kit.texts('b')].sort()).toEqual(['A, meet B from HZ', 'B, meet A from HZ']);
  });
});
