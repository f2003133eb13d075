import { defineConfig } from 'vite';

/**
 * `kith serve` serves `dist/` with an SPA fallback. The API is proxied in development so the
 * editor can run against `kith serve` on its default port.
 */
export default defineConfig({
  resolve: { conditions: ['kith-source', 'browser', 'module', 'import', 'default'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: { '/api': process.env.KITH_API ?? 'http://127.0.0.1:8787' },
  },
});
