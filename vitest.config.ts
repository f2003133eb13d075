import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['kith-source'] },
  ssr: { resolve: { conditions: ['kith-source'] } },
  test: {
    include: [
      'packages/**/src/**/*.test.ts',
      'packages/**/test/**/*.test.ts',
      'apps/**/src/**/*.test.ts',
      'apps/**/test/**/*.test.ts',
      'tests/**/*.test.ts',
      'playbooks/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
