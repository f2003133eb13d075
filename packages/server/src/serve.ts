import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { serve as listen } from '@hono/node-server';
import { QUEUES_PATH, queueBoard } from './admin/queues.js';
import { createApp } from './app.js';
import type { Logger } from './contract.js';
import { createHost, type Host, type HostConfig } from './host/create-host.js';
import { createDistributedHost, type DistributedHost } from './host/distributed.js';
import { type SeedResult, seedDemo } from './host/seed.js';
import { jsonLogger, Redactor } from './obs/logger.js';

export interface ServeOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (use 0.0.0.0 to listen on every interface). */
  host?: string;
  /** The embedded data dir (default ./.kith). */
  dataDir?: string;
  /** The built editor; default apps/editor/dist when it exists. */
  editorDir?: string;
  /** `memory` for a throwaway server; embedded by default. */
  mode?: HostConfig['mode'];
  /** Seed the demo agency on the first start of the embedded or memory mode (default true). */
  seed?: boolean;
  /** PostgreSQL + Redis: this process is the API of the distributed mode (`kith worker` does the work). */
  distributed?: { databaseUrl: string; redisUrl: string; prefix?: string };
  env?: Record<string, string | undefined>;
  log?: Logger;
}

export interface Serving {
  url: string;
  host: Host;
  /** Set on the first start: the demo admin token, shown once. */
  seeded: SeedResult | undefined;
  editorDir: string | undefined;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), stops the host. */
  close(graceMs?: number): Promise<void>;
}

function defaultEditorDir(): string | undefined {
  const candidates = [resolve('apps/editor/dist'), resolve(import.meta.dirname, '../../../apps/editor/dist')];
  return candidates.find((d) => existsSync(resolve(d, 'index.html')));
}

/** Runs the API (and the editor) on a host: what `kith serve` does. */
export async function serve(options: ServeOptions = {}): Promise<Serving> {
  const redactor = new Redactor();
  const log = options.log ?? jsonLogger({ redactor });
  const host: Host | DistributedHost = options.distributed
    ? await createDistributedHost({ ...options.distributed, role: 'api', env: options.env, log, redactor })
    : await createHost({
        mode: options.mode ?? 'embedded',
        dataDir: options.dataDir,
        env: options.env,
        log,
        redactor,
      });
  let seeded: SeedResult | undefined;
  try {
    if (host.mode !== 'distributed' && options.seed !== false) {
      seeded = await seedDemo(host.deps, host.plugins, host.dataDir);
    }
  } catch (error) {
    await host.close();
    throw error;
  }
  const editorDir = options.editorDir ?? defaultEditorDir();
  const mounts =
    host.mode === 'distributed'
      ? [{ path: QUEUES_PATH, app: queueBoard(host.deps, (host as DistributedHost).queues) }]
      : [];
  const app = createApp(host.deps, { plugins: host.plugins, metrics: host.metrics, editorDir, mounts });
  const server = await new Promise<Server>((ok, fail) => {
    const s = listen(
      { fetch: app.fetch, port: options.port ?? 8787, hostname: options.host ?? '127.0.0.1' },
      () => ok(s as Server),
    );
    (s as Server).once('error', fail);
  }).catch(async (error: unknown) => {
    await host.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${address.port}`;
  log.log('info', 'listening', { url, mode: host.mode, dataDir: host.dataDir, editor: editorDir ?? null });
  return {
    url,
    host,
    seeded,
    editorDir,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeIdleConnections();
      // live streams never end on their own: after the grace period they are cut
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
      await host.close();
    },
  };
}
