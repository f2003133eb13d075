import type { Mechanic } from './types.js';

/**
 * The community mechanics every runtime runs unless told otherwise. Each lives in its own folder
 * under src/mechanics/ and is listed here once.
 */
export const DEFAULT_MECHANICS: readonly Mechanic[] = [];
