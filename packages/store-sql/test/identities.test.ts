import { type MemberState, newMemberState } from '@kith/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlStore, type SqlStore } from '../src/index.js';
import { createTestDatabase } from './pg-db.js';
import { PGLITE_BOOT_MS } from './timeouts.js';

async function save(
  store: SqlStore,
  tenant: string,
  id: string,
  identities: Record<string, string>,
): Promise<void> {
  const s: MemberState = structuredClone(newMemberState(tenant, id));
  s.profile.identities = identities;
  const result = await store.commitMember({
    tenant,
    state: s,
    expectedRev: s.rev,
    eventId: null,
    effects: [],
    finished: [],
  });
  if (result !== 'ok') throw new Error(`commit of ${id}: ${result}`);
}

const stores: [string, () => Promise<{ store: SqlStore; close: () => Promise<void> }>][] = [
  [
    'PGlite',
    async () => {
      const store = await createSqlStore({ pglite: undefined });
      return { store, close: () => store.close() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase();
      const store = await createSqlStore({ url: db.url });
      return {
        store,
        close: async () => {
          await store.close();
          await db.drop();
        },
      };
    },
  ],
];

for (const [name, open] of stores) {
  describe(`members by channel identity: ${name}`, () => {
    let fixture: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      fixture = await open();
      const { store } = fixture;
      await save(store, 'a', 'crm-1', { tg: '1001', mail: 'ann@example.com' });
      await save(store, 'a', 'crm-2', { tg: '1002' });
      await save(store, 'a', 'crm-0', { mail: 'ann@example.com' });
      await save(store, 'b', 'crm-1', { tg: '1002' });
      await save(store, 'a', 'odd\u0000id', { tg: 'x\u0000y' });
    }, PGLITE_BOOT_MS);
    afterAll(() => fixture.close());

    it('finds the member with that address on that channel instance, in that tenant only', async () => {
      const { store } = fixture;
      expect(await store.findMemberByIdentity('a', 'tg', '1001')).toBe('crm-1');
      expect(await store.findMemberByIdentity('a', 'tg', '1002')).toBe('crm-2');
      expect(await store.findMemberByIdentity('b', 'tg', '1002')).toBe('crm-1');
      // the address on another channel, another tenant, or nobody's
      expect(await store.findMemberByIdentity('a', 'mail', '1001')).toBeUndefined();
      expect(await store.findMemberByIdentity('c', 'tg', '1001')).toBeUndefined();
      expect(await store.findMemberByIdentity('a', 'tg', '9999')).toBeUndefined();
    });

    it('answers the first by id when two members claim one address, and keeps odd characters', async () => {
      const { store } = fixture;
      expect(await store.findMemberByIdentity('a', 'mail', 'ann@example.com')).toBe('crm-0');
      expect(await store.findMemberByIdentity('a', 'tg', 'x\u0000y')).toBe('odd\u0000id');
    });

    it('follows a member whose address changed', async () => {
      const { store } = fixture;
      const current = await store.loadMember('a', 'crm-2');
      if (current === undefined) throw new Error('crm-2 is missing');
      const next = structuredClone(current);
      next.profile.identities = { tg: '2002' };
      expect(
        await store.commitMember({
          tenant: 'a',
          state: next,
          expectedRev: current.rev,
          eventId: null,
          effects: [],
          finished: [],
        }),
      ).toBe('ok');
      expect(await store.findMemberByIdentity('a', 'tg', '1002')).toBeUndefined();
      expect(await store.findMemberByIdentity('a', 'tg', '2002')).toBe('crm-2');
    });
  });
}
