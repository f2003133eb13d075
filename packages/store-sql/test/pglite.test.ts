import { createSqlStore } from '../src/index.js';
import { storeConformance } from './conformance.js';

storeConformance('PGlite (in memory)', async () => {
  const started = performance.now();
  const store = await createSqlStore({ pglite: undefined }, { pageSize: 3 });
  console.info(`PGlite boot + migrations: ${Math.round(performance.now() - started)} ms`);
  return { store, close: () => store.close() };
});
