import { createSqlStore } from '../src/index.js';
import { storeConformance } from './conformance.js';
import { createTestDatabase } from './pg-db.js';

storeConformance('PostgreSQL (pg)', async () => {
  const db = await createTestDatabase();
  const store = await createSqlStore({ url: db.url }, { pageSize: 3 });
  return {
    store,
    close: async () => {
      await store.close();
      await db.drop();
    },
  };
});
