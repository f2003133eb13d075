import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { SimulationJobInput, SimulationMessage, SimulationRunner } from './simulation-types.js';

export type { SimulationJobInput, SimulationMessage } from './simulation-types.js';

/**
 * A young generation of 192 MiB (semi-spaces of 64 instead of 16): a simulation allocates fast and
 * much of it lives a while (members' state), and with the default each scavenge copied the same
 * survivors again — 13 % less CPU for 200,000 members (docs/benchmarks.md). It grows on demand.
 */
export const SIMULATION_YOUNG_GENERATION_MB = 192;

export interface SimulationThreadOptions {
  /** The thread's heap limits; the young generation defaults to `SIMULATION_YOUNG_GENERATION_MB`. */
  resourceLimits?: ResourceLimits;
  /** Keep the process alive until the simulation ends (a command line); a server does not. */
  keepAlive?: boolean;
}

/**
 * The worker thread of a simulation. Built, it is `simulation-worker.js` beside this file. Run
 * from sources (tests, `tsx`), a `--import` of tsx is not applied to a worker's entry on Node 20,
 * so a small bootstrap registers tsx's ESM hooks first and then imports the `.ts` entry, with
 * the workspace's `kith-source` condition so that it runs the same sources.
 */
function spawn(workerData: unknown, resourceLimits: ResourceLimits): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./simulation-worker.js', import.meta.url), { workerData, resourceLimits });
  }
  // tsx's `esm/api` entry for `import` (require.resolve finds the CommonJS twin beside it)
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(
    /\.cjs$/,
    '.mjs',
  );
  const entry = new URL('./simulation-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData, resourceLimits, execArgv: ['--conditions=kith-source'] });
}

/**
 * Runs one simulation in a worker thread of its own and reports to `on` (progress at most every
 * 200 ms, then `done` or `failed` exactly once); returns a function that stops it.
 */
export function runSimulationThread(
  input: SimulationJobInput,
  on: (m: SimulationMessage) => void,
  options: SimulationThreadOptions = {},
): () => void {
  const worker = spawn(input, {
    maxYoungGenerationSizeMb: SIMULATION_YOUNG_GENERATION_MB,
    ...options.resourceLimits,
  });
  if (options.keepAlive !== true) worker.unref();
  let settled = false;
  worker.on('message', (m: SimulationMessage) => {
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
}

/** The server's runner: a simulation must not keep a stopping server alive. */
export const workerRunner: SimulationRunner = (input, on) => runSimulationThread(input, on);
