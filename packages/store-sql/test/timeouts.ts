/**
 * How long a test may give PGlite to start: a fresh database runs initdb in WASM, which takes
 * seconds alone and over a minute on a busy 2-core machine running other suites.
 */
export const PGLITE_BOOT_MS = 180_000;
