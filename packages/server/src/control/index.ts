export { MemoryControlStore } from './memory.js';
export { CONTROL_MIGRATIONS } from './migrations.js';
export { hashToken, loadSecretKey, SecretBox } from './secret-box.js';
export { SqlControlStore } from './sql.js';
export type * from './types.js';
