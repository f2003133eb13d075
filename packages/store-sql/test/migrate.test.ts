import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newMemberState } from '@kith/engine';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlStore, MIGRATIONS, migrate, pgSqlFromUrl } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './pg-db.js';
import { PGLITE_BOOT_MS } from './timeouts.js';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('apply once when several processes start at the same time', async () => {
    const sqls = Array.from({ length: 5 }, () => pgSqlFromUrl(db.url, { max: 2 }));
    try {
      const reports = await Promise.all(sqls.map((s) => migrate(s)));
      expect(reports.flatMap((r) => r.applied)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(reports.every((r) => r.version === MIGRATIONS.length)).toBe(true);
      const again = await migrate(sqls[0] as (typeof sqls)[0]);
      expect(again.applied).toEqual([]);
    } finally {
      await Promise.all(sqls.map((s) => s.close()));
    }
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = await client.query('SELECT version, name FROM kith_migrations ORDER BY version');
      expect(rows.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      await client.end();
    }
  });

  it('refuse a database newer than the build', async () => {
    const sql = pgSqlFromUrl(db.url);
    try {
      await sql.query("INSERT INTO kith_migrations (version, name) VALUES (999, 'future')");
      await expect(createSqlStore(sql)).rejects.toThrow(/newer than this build/);
      await sql.query('DELETE FROM kith_migrations WHERE version = 999');
    } finally {
      await sql.close();
    }
  });

  it(
    'keep an on-disk PGlite store across a restart',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kith-pglite-'));
      try {
        const first = await createSqlStore({ pglite: dir });
        const state = newMemberState('t', 'ann');
        expect(
          await first.commitMember({
            tenant: 't',
            state,
            expectedRev: 0,
            eventId: 'e',
            effects: [],
            finished: [],
          }),
        ).toBe('ok');
        await first.close();
        const second = await createSqlStore({ pglite: dir });
        expect((await second.migrate()).applied).toEqual([]);
        expect((await second.loadMember('t', 'ann'))?.rev).toBe(1);
        expect(await second.hasEvent('t', 'e')).toBe(true);
        await second.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    2 * PGLITE_BOOT_MS,
  );
});
