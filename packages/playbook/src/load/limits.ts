/** Limits that keep hostile input from hanging or crashing the loader. */
export interface LoadLimits {
  /** Largest source accepted, in characters. */
  maxChars: number;
  /** Deepest nesting of mappings and sequences. */
  maxDepth: number;
  /** Alias expansions allowed in one document (defeats "billion laughs"). */
  maxAliasExpansions: number;
  /** Largest number of nodes built from one document, aliases expanded. */
  maxNodes: number;
}

export const DEFAULT_LIMITS: LoadLimits = {
  maxChars: 5 * 1024 * 1024,
  maxDepth: 64,
  maxAliasExpansions: 1000,
  maxNodes: 1_000_000,
};
