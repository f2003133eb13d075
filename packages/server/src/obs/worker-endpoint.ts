import type { AddressInfo } from 'node:net';
import { serve as listen } from '@hono/node-server';
import type { Workers } from '@kith/queue-bullmq';
import { Hono } from 'hono';
import type { AppEnv } from '../contract.js';
import type { DistributedHost } from '../host/distributed.js';
import { probeRoutes } from '../routes/system.js';
import type { Counter, MetricsRegistry } from './metrics.js';

export interface WorkerEndpointOptions {
  port: number;
  /** Default 127.0.0.1 (0.0.0.0 for a scraper on another machine). */
  hostname?: string;
}

export interface WorkerEndpoint {
  url: string;
  close(): Promise<void>;
}

type Numbers = { [key: string]: number | Numbers };

/** Metric names from the stats' own keys: `events.ingested` → `kith_worker_events_ingested_total`. */
function metricName(path: string[]): string {
  return `kith_worker_${path.map((p) => p.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()).join('_')}`;
}

/**
 * The worker's counters (events ingested, duplicates absorbed, effects delivered, timers fired,
 * relay claims…) as Prometheus counters, read from `workers.stats()` at each scrape: whatever the
 * stats hold is exported, so a counter added there needs no change here.
 */
export function exportWorkerStats(registry: MetricsRegistry, workers: Pick<Workers, 'stats'>): void {
  const families = new Map<string, Counter>();
  const visit = (value: unknown, path: string[]): void => {
    if (typeof value === 'number' && Number.isFinite(value)) {
      const name = `${metricName(path)}_total`;
      let family = families.get(name);
      if (family === undefined) {
        family = registry.counter(name, `Worker count ${path.join('.')} since this process started.`);
        families.set(name, family);
      }
      family.set({}, value);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Numbers)) visit(v, [...path, k]);
    }
  };
  // first pass at once, so the families exist (and render in a stable order) before any scrape
  visit(workers.stats(), []);
  registry.collect(async () => visit(workers.stats(), []));
}

/**
 * `/healthz`, `/readyz` and `/metrics` for a `kith worker` process, which serves no API: the
 * same probes as the API's, with the worker's own counters and the queues' depths.
 */
export async function serveWorkerEndpoint(
  host: DistributedHost,
  options: WorkerEndpointOptions,
): Promise<WorkerEndpoint> {
  if (host.workers !== undefined) exportWorkerStats(host.metrics.registry, host.workers);
  const app = new Hono<AppEnv>();
  app.route('/', probeRoutes(host.deps, host.metrics));
  const hostname = options.hostname ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof listen>>((resolve, reject) => {
    const s = listen({ fetch: app.fetch, port: options.port, hostname }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
