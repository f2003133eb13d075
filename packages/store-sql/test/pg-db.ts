import pg from 'pg';

/** The PostgreSQL the tests run on: 127.0.0.1:5432, user postgres, trust auth. */
export const PG_HOST = process.env.KITH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a fresh database `kith_test_<random>` through the `test` database; `drop` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `kith_test_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: `${PG_HOST}/test` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: `${PG_HOST}/${name}`,
    name,
    async drop() {
      const c = new pg.Client({ connectionString: `${PG_HOST}/test` });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
