import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerStats } from '@kith/queue-bullmq';

function emptyStats(): WorkerStats {
  return {
    events: { ingested: 0, duplicates: 0, missing: 0 },
    effects: { delivered: 0, failed: 0, dead: 0, deferred: 0, skipped: 0, settled: 0, notDue: 0, missing: 0 },
    timers: { fired: 0, retried: 0 },
    relay: { effectsEnqueued: 0, eventsEnqueued: 0, requeued: 0, redisRestarts: 0 },
  };
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** The compiled entry points the worker imports; CI builds them before it tests. */
const BUILT = ['engine', 'queue-bullmq', 'sdk', 'store-sql', 'plugins/channel-sandbox'].map((p) =>
  fileURLToPath(new URL(`../../packages/${p}/dist/index.js`, import.meta.url)),
);

/**
 * Workers load the packages from source (`kith-source`), as every test does — except in CI,
 * where `pnpm build` ran first: there they load the compiled packages, because transpiling the
 * whole tree takes each (re)started worker tens of seconds on a busy 2-core machine, and the
 * test restarts workers three times. Locally a stale build would test old code, so never there.
 */
const SOURCE_FLAGS =
  process.env.CI === 'true' && BUILT.every((f) => existsSync(f)) ? [] : ['--conditions=kith-source'];

/** Worker child processes: started, killed -9, restarted, stopped; their last counters kept. */
export class Cluster {
  /** Last counters of every incarnation (a killed one keeps what it reported last). */
  readonly stats: WorkerStats[] = [];
  readonly output: string[] = [];
  private readonly procs = new Map<string, ChildProcess>();

  constructor(private readonly env: Record<string, string>) {}

  async start(name: string): Promise<void> {
    // KITH_WORKER_PROF=<dir>: each worker writes a CPU profile there when it exits cleanly.
    const prof = process.env.KITH_WORKER_PROF;
    const flags = prof === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${prof}`];
    const proc = spawn(process.execPath, [...flags, ...SOURCE_FLAGS, '--import', 'tsx', WORKER], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // Reserved now: two workers started together must not share a slot.
    const slot = this.stats.push(emptyStats()) - 1;
    this.procs.set(name, proc);
    const keep = (chunk: Buffer) => {
      this.output.push(`[${name}] ${chunk.toString('utf8').trimEnd()}`);
      if (this.output.length > 400) this.output.splice(0, 100);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    await new Promise<void>((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`worker ${name} exited (${code}) before it was ready`)));
      proc.on('message', (m: { type: string; stats?: WorkerStats; level?: string; message?: string }) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'stats' && m.stats !== undefined) this.stats[slot] = m.stats;
        else if (m.type === 'log') this.output.push(`[${name}] ${m.level}: ${m.message}`);
      });
    });
  }

  /** Process ids of the workers running now (benchmarks read their CPU time). */
  pids(): number[] {
    return [...this.procs.values()]
      .filter((p) => p.exitCode === null && p.signalCode === null && p.pid !== undefined)
      .map((p) => p.pid!);
  }

  /** kill -9, as the OOM killer or a pulled plug would. */
  async kill(name: string): Promise<void> {
    const p = this.procs.get(name);
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM and wait for a clean exit (the workers drain). */
  async stop(): Promise<number[]> {
    const codes: number[] = [];
    for (const p of this.procs.values()) {
      if (p.exitCode !== null || p.signalCode !== null) continue;
      const exited = new Promise<number>((r) => p.once('exit', (code) => r(code ?? -1)));
      p.kill('SIGTERM');
      const timeout = setTimeout(() => p.kill('SIGKILL'), 20_000);
      codes.push(await exited);
      clearTimeout(timeout);
    }
    return codes;
  }

  total<K extends keyof WorkerStats>(kind: K, field: keyof WorkerStats[K]): number {
    return this.stats.reduce((n, s) => n + Number(s?.[kind]?.[field] ?? 0), 0);
  }
}
