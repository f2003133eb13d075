import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SimulationRunner } from './simulation-types.js';

/**
 * The worker thread of a simulation. Built, it is `simulation-worker.js` beside this file. Run
 * from sources (tests, `tsx`), a `--import` of tsx is not applied to a worker's entry on Node 20,
 * so a small bootstrap registers tsx's ESM hooks first and then imports the `.ts` entry, with
 * the workspace's `kith-source` condition so that it runs the same sources.
 */
function spawn(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./simulation-worker.js', import.meta.url), { workerData });
  }
  // tsx's `esm/api` entry for `import` (require.resolve finds the CommonJS twin beside it)
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(
    /\.cjs$/,
    '.mjs',
  );
  const entry = new URL('./simulation-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData, execArgv: ['--conditions=kith-source'] });
}

export const workerRunner: SimulationRunner = (input, on) => {
  const worker = spawn(input);
  // a simulation must not keep a stopping server alive
  worker.unref();
  let settled = false;
  worker.on('message', (m: Parameters<typeof on>[0]) => {
    if (m.type !== 'progress') settled = true;
    on(m);
    if (settled) void worker.terminate();
  });
  worker.on('error', (e) => {
    if (settled) return;
    settled = true;
    on({ type: 'failed', error: e.message });
  });
  worker.on('exit', (code) => {
    if (settled) return;
    settled = true;
    on({ type: 'failed', error: `the simulation stopped (exit code ${code}), most likely out of memory` });
  });
  return () => {
    settled = true;
    void worker.terminate();
  };
};
