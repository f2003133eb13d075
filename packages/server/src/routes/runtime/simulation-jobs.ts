import { randomUUID } from 'node:crypto';
import type { SimulationReport } from '@kith/engine';
import type { SimulationJobInput, SimulationMessage, SimulationRunner } from './simulation-types.js';

export type JobStatus = 'running' | 'done' | 'failed';

export interface SimulationJob {
  id: string;
  tenant: string;
  status: JobStatus;
  /** Share of the virtual time simulated, 0 to 1. */
  progress: number;
  /** Virtual day reached (0-based). */
  day: number;
  days: number;
  members: number;
  startedAt: number;
  finishedAt: number | null;
  report?: SimulationReport;
  error?: string;
}

export type JobEvent =
  | { type: 'progress'; progress: number; day: number }
  | { type: 'done'; report: SimulationReport }
  | { type: 'failed'; error: string };

export interface JobsOptions {
  runner: SimulationRunner;
  /** Simulations running at once per tenant (default 2). */
  perTenant?: number;
  /** Finished simulations kept per tenant for GET (default 20, the oldest go first). */
  keep?: number;
  now?: () => number;
}

interface Entry {
  job: SimulationJob;
  listeners: Set<(e: JobEvent) => void>;
  stop: () => void;
}

/** Why a simulation was not started. */
export class TooManySimulations extends Error {}

/**
 * Simulations of each tenant: started on a runner (a worker thread), followed by status and
 * listeners, capped per tenant while running, and forgotten past the last `keep` finished ones.
 */
export class SimulationJobs {
  private readonly byTenant = new Map<string, Map<string, Entry>>();
  private readonly perTenant: number;
  private readonly keep: number;
  private readonly now: () => number;

  constructor(private readonly options: JobsOptions) {
    this.perTenant = options.perTenant ?? 2;
    this.keep = options.keep ?? 20;
    this.now = options.now ?? Date.now;
  }

  running(tenant: string): number {
    let n = 0;
    for (const e of this.byTenant.get(tenant)?.values() ?? []) if (e.job.status === 'running') n++;
    return n;
  }

  start(tenant: string, input: SimulationJobInput): SimulationJob {
    if (this.running(tenant) >= this.perTenant) {
      throw new TooManySimulations(`${this.perTenant} simulations are already running for this tenant`);
    }
    const job: SimulationJob = {
      id: randomUUID(),
      tenant,
      status: 'running',
      progress: 0,
      day: 0,
      days: input.settings.days,
      members: 0,
      startedAt: this.now(),
      finishedAt: null,
    };
    let jobs = this.byTenant.get(tenant);
    if (jobs === undefined) {
      jobs = new Map();
      this.byTenant.set(tenant, jobs);
    }
    const entry: Entry = { job, listeners: new Set(), stop: () => {} };
    jobs.set(job.id, entry);
    entry.stop = this.options.runner(input, (m) => this.update(entry, m));
    return job;
  }

  get(tenant: string, id: string): SimulationJob | undefined {
    return this.byTenant.get(tenant)?.get(id)?.job;
  }

  /** Listens to a running job; returns the unsubscribe function (a no-op once it finished). */
  listen(tenant: string, id: string, listener: (e: JobEvent) => void): () => void {
    const entry = this.byTenant.get(tenant)?.get(id);
    if (entry === undefined || entry.job.status !== 'running') return () => {};
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Stops every running simulation (server shutdown). */
  close(): void {
    for (const jobs of this.byTenant.values()) {
      for (const e of jobs.values()) {
        if (e.job.status !== 'running') continue;
        e.stop();
        this.update(e, { type: 'failed', error: 'the server stopped' });
      }
    }
  }

  private update(entry: Entry, m: SimulationMessage): void {
    const job = entry.job;
    if (job.status !== 'running') return;
    let event: JobEvent;
    if (m.type === 'progress') {
      job.progress = Math.min(1, Math.max(0, m.fraction));
      job.day = Math.min(job.days - 1, Math.floor(job.progress * job.days));
      job.members = m.members;
      event = { type: 'progress', progress: job.progress, day: job.day };
    } else {
      job.finishedAt = this.now();
      if (m.type === 'done') {
        job.status = 'done';
        job.progress = 1;
        job.day = job.days - 1;
        job.members = m.members;
        job.report = m.report;
        event = { type: 'done', report: m.report };
      } else {
        job.status = 'failed';
        job.error = m.error;
        event = { type: 'failed', error: m.error };
      }
    }
    for (const l of [...entry.listeners]) l(event);
    if (job.status !== 'running') {
      entry.listeners.clear();
      this.prune(job.tenant);
    }
  }

  private prune(tenant: string): void {
    const jobs = this.byTenant.get(tenant);
    if (jobs === undefined) return;
    const finished = [...jobs.values()].filter((e) => e.job.status !== 'running');
    for (const e of finished.slice(0, Math.max(0, finished.length - this.keep))) jobs.delete(e.job.id);
  }
}
