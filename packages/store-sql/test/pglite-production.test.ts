import { createSqlStore } from '../src/index.js';
import { productionSuite } from './production.js';

productionSuite('PGlite (in memory)', async () => {
  const store = await createSqlStore(
    { pglite: undefined },
    { inboundRetentionMs: 0, inboundPruneEveryMs: 0 },
  );
  return { store, close: () => store.close() };
});
