import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { Sql } from './sql.js';

/** The advisory lock key migrations hold: two processes starting at once apply them once. */
const MIGRATION_LOCK = 7_461_523_001;

export interface MigrateOptions {
  /**
   * The table recording applied versions: another component (the server's control plane) keeps
   * its own numbered migrations in the same database without mixing version numbers.
   */
  table?: string;
  /** The advisory lock key; each migration table needs its own. */
  lock?: number;
}

export interface MigrateReport {
  /** Versions applied by this call. */
  applied: number[];
  /** The schema version now. */
  version: number;
}

/**
 * Applies the migrations not yet applied, in order, in one transaction that holds a
 * transaction-scoped advisory lock (PostgreSQL serialises concurrent starters on it; PGlite has
 * one process but runs the same SQL). A failed migration rolls the whole run back.
 */
export async function migrate(
  sql: Sql,
  migrations: readonly Migration[] = MIGRATIONS,
  options: MigrateOptions = {},
): Promise<MigrateReport> {
  const table = options.table ?? 'kith_migrations';
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
  const lock = options.lock ?? MIGRATION_LOCK;
  for (let i = 0; i < migrations.length; i++) {
    if (migrations[i]?.version !== i + 1) throw new Error(`migrations must be numbered 1, 2, 3…: ${i + 1}`);
  }
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lock]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${table} (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`);
    const rows = await tx.query<{ version: number }>(`SELECT version FROM ${table}`);
    const done = new Set(rows.map((r) => Number(r.version)));
    const latest = Math.max(0, ...done);
    if (latest > migrations.length) {
      throw new Error(
        `the database is at schema ${latest}, newer than this build knows (${migrations.length})`,
      );
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    return { applied, version: migrations.length };
  });
}
