/**
 * A simulation in its own thread: `simulate` keeps the CPU until it is done, and the API's event
 * loop must keep answering meanwhile. Takes `SimulationJobInput` as workerData; posts
 * `SimulationMessage`s.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PlaybookCompileError, simulate } from '@kith/engine';
import type { SimulationJobInput, SimulationMessage } from './simulation-types.js';

const PROGRESS_MS = 200;

const input = workerData as SimulationJobInput;
const post = (m: SimulationMessage) => parentPort?.postMessage(m);
let last = 0;

simulate(input.playbook, {
  settings: input.settings,
  params: input.params,
  limits: input.limits,
  onProgress: (p) => {
    const now = Date.now();
    if (now - last < PROGRESS_MS) return;
    last = now;
    post({ type: 'progress', fraction: p.fraction, members: p.members });
  },
}).then(
  (r) => post({ type: 'done', report: r.report, members: r.members }),
  (e: unknown) =>
    post(
      e instanceof PlaybookCompileError
        ? { type: 'failed', error: e.message, code: 'compile-error' }
        : { type: 'failed', error: e instanceof Error ? e.message : String(e) },
    ),
);
