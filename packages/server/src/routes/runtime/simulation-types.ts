import type { LimitCatalogue, SimulationReport, SimulationSettings } from '@kith/engine';
import type { ResolvedPlaybook } from '@kith/playbook';

/** What a simulation thread is given (structured-clone safe). */
export interface SimulationJobInput {
  playbook: ResolvedPlaybook;
  params: Record<string, unknown>;
  settings: SimulationSettings;
  limits: LimitCatalogue;
}

/** What a simulation thread says. */
export type SimulationMessage =
  | { type: 'progress'; fraction: number; members: number }
  | { type: 'done'; report: SimulationReport; members: number }
  /** `compile-error`: the playbook could not be compiled (what `PlaybookCompileError` says). */
  | { type: 'failed'; error: string; code?: 'compile-error' };

/** Runs one simulation somewhere (a worker thread in the server) and reports to `on`; returns a stop function. */
export type SimulationRunner = (input: SimulationJobInput, on: (m: SimulationMessage) => void) => () => void;
