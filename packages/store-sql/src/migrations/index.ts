import { sql as initial } from './0001-initial.js';
import { sql as production } from './0002-production.js';
import { sql as batches } from './0003-batches.js';
import { sql as identities } from './0004-identities.js';
import { sql as inboxRoom } from './0005-inbox-room.js';
import { sql as runsIndex } from './0006-runs-index.js';

export interface Migration {
  /** 1, 2, 3…: applied in this order, each once; never edited once released (up-only). */
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. Add a new file and a line here; never change or remove one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'production', sql: production },
  { version: 3, name: 'batches', sql: batches },
  { version: 4, name: 'identities', sql: identities },
  { version: 5, name: 'inbox-room', sql: inboxRoom },
  { version: 6, name: 'runs-index', sql: runsIndex },
];
