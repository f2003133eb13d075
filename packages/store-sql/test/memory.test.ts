import { MemoryStore } from '@kith/engine';
import { storeConformance } from './conformance.js';

// the reference implementation: proves the suite asks for what MemoryStore does
storeConformance('MemoryStore', async () => ({
  store: new MemoryStore({ isolate: true }),
  close: async () => {},
}));
