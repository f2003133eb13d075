import { createSqlStore } from '../src/index.js';
import { createTestDatabase } from './pg-db.js';
import { productionSuite } from './production.js';

productionSuite('PostgreSQL (pg)', async () => {
  const db = await createTestDatabase();
  const store = await createSqlStore({ url: db.url }, { inboundRetentionMs: 0, inboundPruneEveryMs: 0 });
  return {
    store,
    close: async () => {
      await store.close();
      await db.drop();
    },
  };
});
