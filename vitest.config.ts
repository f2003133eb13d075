import { configDefaults, defineConfig } from 'vitest/config';

const ALL = [
  'packages/**/src/**/*.test.ts',
  'packages/**/test/**/*.test.ts',
  'apps/**/src/**/*.test.ts',
  'apps/**/test/**/*.test.ts',
  'tests/**/*.test.ts',
  'playbooks/**/*.test.ts',
];

/**
 * The chaos test runs alone, after everything else: it measures what a provider sees per second
 * through kill -9s and a Redis restart, and on a 2-core machine the other test files running
 * beside it delayed its workers' sends past the limiter's margin (a busiest second of 37 for a
 * limit of 30, once in CI).
 */
const ALONE = ['tests/chaos/**/*.test.ts'];

const EXCLUDE = [...configDefaults.exclude, '**/dist/**'];

export default defineConfig({
  resolve: { conditions: ['kith-source'] },
  ssr: { resolve: { conditions: ['kith-source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'kith', include: ALL, exclude: [...EXCLUDE, ...ALONE], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, exclude: EXCLUDE, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
