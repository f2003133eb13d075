import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** What a query runs on: the whole database, or one open transaction. */
export interface SqlRunner {
  /** One statement with `$1…` parameters; the rows it returns. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** A script of several statements, no parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * The whole query layer: the store speaks one dialect (what PostgreSQL 15 and PGlite both run)
 * through this, so the same queries serve both adapters.
 */
export interface Sql extends SqlRunner {
  readonly dialect: 'postgres' | 'pglite';
  /** Runs `fn` in a transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Releases the connections (or the embedded database) if this adapter owns them. */
  close(): Promise<void>;
}

/** The `pg` adapter: a connection pool on a real PostgreSQL server. */
export function pgSql(pool: pg.Pool, options: { ownsPool?: boolean } = {}): Sql {
  const runner = (client: pg.Pool | pg.PoolClient): SqlRunner => ({
    async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await client.query(text, params as unknown[]);
      return result.rows as R[];
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  });
  return {
    dialect: 'postgres',
    ...runner(pool),
    async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // a connection lost mid-transaction (server restart, a terminated backend) also emits
      // 'error' on the checked-out client; the query in flight rejects with it, and without a
      // listener the event would crash the process
      const lost = (): void => undefined;
      client.on('error', lost);
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const result = await fn(runner(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError;
        }
        throw error;
      } finally {
        // a connection whose rollback failed is in an unknown state: destroy it rather than reuse it
        client.off('error', lost);
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async close(): Promise<void> {
      if (options.ownsPool ?? true) await pool.end();
    },
  };
}

/** Opens a pool from a connection string (`postgres://…`) and adapts it. */
export function pgSqlFromUrl(connectionString: string, poolOptions: pg.PoolConfig = {}): Sql {
  const pool = new pg.Pool({ connectionString, ...poolOptions });
  // an idle connection the server closed (restart, failover) is dropped from the pool and replaced
  // on the next checkout; without a listener its 'error' event would crash the process
  pool.on('error', () => undefined);
  return pgSql(pool, { ownsPool: true });
}

/**
 * The PGlite adapter: embedded PostgreSQL (WASM) in this process. PGlite runs one statement or one
 * transaction at a time; a query issued while a transaction is open waits for it to finish.
 */
export function pgliteSql(db: PGlite, options: { ownsDb?: boolean } = {}): Sql {
  type Runner = Pick<PGlite, 'query' | 'exec'>;
  const runner = (on: Runner): SqlRunner => ({
    async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      const result = await on.query<R>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string): Promise<void> {
      await on.exec(script);
    },
  });
  return {
    dialect: 'pglite',
    ...runner(db),
    transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(runner(tx)));
    },
    async close(): Promise<void> {
      if ((options.ownsDb ?? true) && !db.closed) await db.close();
    },
  };
}

/** Opens PGlite in `dataDir` (a directory: durable) or in memory (no argument), and adapts it. */
export async function openPglite(dataDir?: string): Promise<Sql> {
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await db.waitReady;
  return pgliteSql(db, { ownsDb: true });
}
