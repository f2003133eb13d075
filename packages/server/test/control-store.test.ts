import { randomBytes } from 'node:crypto';
import { openPglite, pgSqlFromUrl, type Sql } from '@kith/store-sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryControlStore } from '../src/control/memory.js';
import { SecretBox } from '../src/control/secret-box.js';
import { SqlControlStore } from '../src/control/sql.js';
import type { ControlStore } from '../src/control/types.js';

const PG = process.env.KITH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

function conformance(
  name: string,
  open: () => Promise<{ store: ControlStore; raw?: () => Promise<string> }>,
) {
  describe(`control store: ${name}`, () => {
    let store: ControlStore;
    let raw: (() => Promise<string>) | undefined;
    beforeAll(async () => {
      ({ store, raw } = await open());
      await store.createAgency({ id: 'ag', name: 'Agency' });
    });
    afterAll(async () => store.close());

    it('creates tenants once and lists them per agency', async () => {
      expect(await store.createTenant({ id: 't1', name: 'One', agency: 'ag' })).toMatchObject({ id: 't1' });
      expect(await store.createTenant({ id: 't1', name: 'Again', agency: 'ag' })).toBe('exists');
      expect((await store.listTenants('ag')).map((t) => t.id)).toEqual(['t1']);
      expect(await store.listTenants('other')).toEqual([]);
    });

    it('finds a token by its secret only, and forgets it when deleted', async () => {
      const { record, secret } = await store.createToken({
        name: 'ed',
        role: 'tenant-editor',
        agency: 'ag',
        tenant: 't1',
      });
      expect(secret).toMatch(/^kith_/);
      expect(await store.findToken(secret)).toEqual(record);
      expect(await store.findToken(`${secret}x`)).toBeUndefined();
      expect((await store.listTokens('ag', 't1')).map((t) => t.id)).toEqual([record.id]);
      if (raw) expect(await raw()).not.toContain(secret);
      expect(await store.deleteToken(record.id)).toBe(true);
      expect(await store.findToken(secret)).toBeUndefined();
    });

    it('saves drafts with optimistic revisions and numbers versions', async () => {
      const created = await store.createPlaybook('t1', 'pb', 'a: 1', { id: 'tpl', params: { brand: 'X' } });
      expect(created).toMatchObject({ ok: true, draft: { revision: 1, template: { id: 'tpl' } } });
      expect(await store.createPlaybook('t1', 'pb', 'b')).toEqual({ ok: false, reason: 'exists' });
      expect(await store.savePlaybook('t1', 'pb', 'a: 2', 1)).toMatchObject({
        ok: true,
        draft: { revision: 2, source: 'a: 2' },
      });
      expect(await store.savePlaybook('t1', 'pb', 'a: 3', 1)).toEqual({
        ok: false,
        reason: 'conflict',
        current: 2,
      });
      expect(await store.savePlaybook('t1', 'nope', 'a', 1)).toEqual({ ok: false, reason: 'missing' });
      const v1 = await store.addVersion({
        tenant: 't1',
        playbook: 'pb',
        source: 'a: 2',
        plugins: { chat: '1.0.0' },
        by: 'ed',
        publishedAt: 5,
      });
      const v2 = await store.addVersion({
        tenant: 't1',
        playbook: 'pb',
        source: 'a: 2',
        plugins: {},
        by: 'ed',
        publishedAt: 6,
      });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect((await store.getPlaybook('t1', 'pb'))?.publishedVersion).toBe(2);
      expect(await store.getVersion('t1', 'pb', 1)).toMatchObject({
        source: 'a: 2',
        plugins: { chat: '1.0.0' },
      });
      expect((await store.listVersions('t1', 'pb')).map((v) => v.version)).toEqual([1, 2]);
      expect(await store.deletePlaybook('t1', 'pb')).toBe(true);
      expect(await store.listVersions('t1', 'pb')).toEqual([]);
    });

    it('keeps agency templates', async () => {
      await store.putTemplate('ag', 'mine', 'x: 1');
      await store.putTemplate('ag', 'mine', 'x: 2');
      expect((await store.getTemplate('ag', 'mine'))?.source).toBe('x: 2');
      expect((await store.listTemplates('ag')).map((t) => t.id)).toEqual(['mine']);
    });

    it('stores secrets encrypted and lists only their names', async () => {
      await store.putSecret('t1', 'STRIPE_KEY', 'sk_test_very_secret_value');
      expect(await store.listSecrets('t1')).toEqual([{ name: 'STRIPE_KEY', updatedAt: expect.any(Number) }]);
      expect(await store.readSecrets('t1')).toEqual({ STRIPE_KEY: 'sk_test_very_secret_value' });
      if (raw) expect(await raw()).not.toContain('sk_test_very_secret_value');
      expect(await store.deleteSecret('t1', 'STRIPE_KEY')).toBe(true);
      expect(await store.readSecrets('t1')).toEqual({});
    });
  });
}

const box = new SecretBox(randomBytes(32));

async function dump(sql: Sql): Promise<string> {
  const tokens = await sql.query('SELECT * FROM kith_tokens');
  const secrets = await sql.query('SELECT * FROM kith_secrets');
  return JSON.stringify([tokens, secrets]);
}

conformance('memory', async () => ({ store: new MemoryControlStore(box) }));

conformance('PGlite', async () => {
  const sql = await openPglite();
  return { store: await SqlControlStore.open(sql, box, { ownsSql: true }), raw: () => dump(sql) };
});

describe('PostgreSQL', () => {
  const name = `kith_srv_${randomBytes(5).toString('hex')}`;
  beforeAll(async () => {
    const admin = pgSqlFromUrl(`${PG}/test`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.close();
  });
  afterAll(async () => {
    const admin = pgSqlFromUrl(`${PG}/test`);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.close();
  });
  conformance('PostgreSQL', async () => {
    const sql = pgSqlFromUrl(`${PG}/${name}`);
    return { store: await SqlControlStore.open(sql, box, { ownsSql: true }), raw: () => dump(sql) };
  });
  it('applies its migrations once when two processes start together', async () => {
    const a = pgSqlFromUrl(`${PG}/${name}`);
    const b = pgSqlFromUrl(`${PG}/${name}`);
    const [x, y] = await Promise.all([
      SqlControlStore.open(a, box, { ownsSql: true }),
      SqlControlStore.open(b, box, { ownsSql: true }),
    ]);
    await x.close();
    await y.close();
  });
});
