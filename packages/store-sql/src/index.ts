import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { openPglite, pgliteSql, pgSql, pgSqlFromUrl, type Sql } from './sql.js';
import { SqlStore, type SqlStoreOptions } from './store.js';

export { type EmbeddedLoop, type EmbeddedLoopOptions, startEmbeddedLoop } from './embedded-loop.js';
export type { InboundEvent } from './inbox.js';
export type { MemberFilter, MemberPage, MemberQuery, MemberSummary } from './members.js';
export { type MigrateOptions, type MigrateReport, migrate } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations/index.js';
export { SqlScheduler } from './scheduler.js';
export { openPglite, pgliteSql, pgSql, pgSqlFromUrl, type Sql, type SqlRunner } from './sql.js';
export {
  DEFAULT_CLAIM_TIMEOUT_MS,
  DEFAULT_INBOUND_RETENTION_MS,
  SqlStore,
  type SqlStoreOptions,
} from './store.js';
export type { MemberTallies } from './tallies.js';

/**
 * Where the store lives: an adapter already made, a `pg` Pool, a PGlite instance, a PostgreSQL
 * URL (`postgres://…`), or `{ pglite: dir }` (embedded; no dir: in memory).
 */
export type SqlStoreTarget =
  | Sql
  | { pool: pg.Pool }
  | { pglite: PGlite | string | undefined }
  | { url: string };

/** Opens the store and applies any pending migrations before it answers a single call. */
export async function createSqlStore(
  target: SqlStoreTarget,
  options: SqlStoreOptions = {},
): Promise<SqlStore> {
  const sql = await toSql(target);
  const store = new SqlStore(sql, options);
  try {
    await store.migrate();
  } catch (error) {
    if (!('transaction' in target)) await sql.close().catch(() => undefined);
    throw error;
  }
  return store;
}

async function toSql(target: SqlStoreTarget): Promise<Sql> {
  if ('transaction' in target) return target;
  if ('pool' in target) return pgSql(target.pool, { ownsPool: false });
  if ('url' in target) return pgSqlFromUrl(target.url);
  const db = target.pglite;
  if (db === undefined || typeof db === 'string') return openPglite(db);
  await db.waitReady;
  return pgliteSql(db, { ownsDb: false });
}
