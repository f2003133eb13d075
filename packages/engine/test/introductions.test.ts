import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import type { ServiceEnv } from '../src/mechanics/types.js';
import { indexMember } from '../src/runtime/services/introductions.js';
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

describe('introductions: the index', () => {
  type Op = { member: number; from: number; to: number };
  const env = (store: MemoryStore) => ({ store }) as unknown as ServiceEnv;
  const key = (b: number) => (b < 0 ? '' : `b${b}`);

  /** The index as it was kept before (a position per member in each record): what it must equal. */
  function reference(ops: readonly Op[]): Map<string, string[]> {
    const buckets = new Map<string, { ids: string[]; at: Record<string, number> }>();
    const get = (k: string) => {
      let b = buckets.get(k);
      if (b === undefined) {
        b = { ids: [], at: {} };
        buckets.set(k, b);
      }
      return b;
    };
    for (const { member, from, to } of ops) {
      const m = `m${member}`;
      if (from >= 0) {
        const b = get(key(from));
        const i = b.at[m];
        if (i !== undefined) {
          const last = b.ids.pop()!;
          if (last !== m) {
            b.ids[i] = last;
            b.at[last] = i;
          }
          delete b.at[m];
        }
      }
      if (to >= 0) {
        const b = get(key(to));
        if (b.at[m] === undefined) {
          b.at[m] = b.ids.length;
          b.ids.push(m);
        }
      }
    }
    return new Map([...buckets].map(([k, b]) => [k, b.ids]));
  }

  it('keeps every bucket in the same order as the position records did, through any moves', async () => {
    const op = fc.record({
      member: fc.integer({ min: 0, max: 60 }),
      from: fc.integer({ min: -1, max: 3 }),
      to: fc.integer({ min: -1, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 400 }), async (ops) => {
        const store = new MemoryStore();
        for (const { member, from, to } of ops) {
          const input = { by: 'city', from: key(from), to: key(to) };
          await indexMember(
            { service: 'x', tenant: 't', member: `m${member}`, token: null, input },
            env(store),
          );
        }
        for (const [k, ids] of reference(ops))
          expect(
            (await store.readShared<{ ids: string[] }>('t', 'introductions.index', `city|${k}`))?.ids,
          ).toEqual(ids);
      }),
      { numRuns: 200 },
    );
  });

  it('reads a bucket an earlier version stored (with its positions), and leaves them out when it writes', async () => {
    const store = new MemoryStore();
    const stored = { ids: ['a', 'b', 'c'], at: { a: 0, b: 1, c: 2 } };
    await store.updateShared('t', 'introductions.index', 'city|x', () => structuredClone(stored));
    const input = { by: 'city', from: 'x', to: '' };
    await indexMember({ service: 'x', tenant: 't', member: 'a', token: null, input }, env(store));
    expect(await store.readShared('t', 'introductions.index', 'city|x')).toEqual({ ids: ['c', 'b'] });
  });
});
