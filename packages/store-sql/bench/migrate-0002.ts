/**
 * How long migration 0002 takes on an existing members table (it adds stored generated columns,
 * which rewrites the table under an exclusive lock): the figure docs/operations.md quotes for
 * planning an upgrade window.
 * Run: npx tsx --conditions kith-source packages/store-sql/bench/migrate-0002.ts [members]
 */
import { newMemberState } from '@kith/engine';
import pg from 'pg';
import { MIGRATIONS, migrate, pgSqlFromUrl } from '../src/index.js';

const HOST = process.env.KITH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
const MEMBERS = Number(process.argv[2] ?? 100_000);

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${HOST}/test` });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const name = `kith_bench_${Math.random().toString(36).slice(2, 10)}`;
await admin(`CREATE DATABASE ${name}`);
const sql = pgSqlFromUrl(`${HOST}/${name}`);
try {
  await migrate(sql, MIGRATIONS.slice(0, 1));
  const s = structuredClone(newMemberState('acme', 'x'));
  s.profile.stage = 'attract';
  s.profile.tags = ['vip'];
  const state = JSON.stringify(s);
  const t0 = performance.now();
  await sql.query(
    `INSERT INTO kith_members (tenant, id, rev, state)
     SELECT 'acme', 'm' || i, 1, jsonb_set($1::text::jsonb, '{id}', to_jsonb('m' || i))
     FROM generate_series(1, $2::int) i`,
    [state, MEMBERS],
  );
  const size = await sql.query<{ size: string }>(
    "SELECT pg_size_pretty(pg_total_relation_size('kith_members')) AS size",
  );
  console.log(
    `${MEMBERS} members (${size[0]?.size}, ${state.length} B of state each) inserted in ${Math.round(performance.now() - t0)} ms`,
  );
  const t1 = performance.now();
  const report = await migrate(sql);
  console.log(`migration ${report.applied.join(', ')}: ${Math.round(performance.now() - t1)} ms`);
} finally {
  await sql.close();
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
