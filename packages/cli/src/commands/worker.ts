import { defineCommand, EXIT, jsonOption, UsageError } from '../command.js';
import { distributedEnv, untilSignal } from './serve.js';

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

export default defineCommand({
  name: 'worker',
  summary: 'run a worker of the distributed mode: events, deliveries and timers from Redis',
  description:
    'Takes event, effect and timer jobs from Redis (BullMQ) and runs them on the engine with the\n' +
    'state in PostgreSQL. Start as many as the load needs, on any machines; `kith serve` with the\n' +
    'same DATABASE_URL, REDIS_URL and KITH_SECRET_KEY is their API.',
  options: {
    concurrency: {
      type: 'string',
      short: 'c',
      valueName: 'N',
      description: 'effect and timer jobs run at once by this process (default 16)',
    },
    drains: {
      type: 'string',
      valueName: 'N',
      description:
        'event batches (drain jobs, up to 1000 events each) run at once by this process (default 4)',
    },
    prefix: {
      type: 'string',
      valueName: 'prefix',
      description: 'BullMQ key prefix, the same as the API’s (default kith)',
    },
    'metrics-port': {
      type: 'string',
      valueName: 'port',
      description: 'serve /metrics (Prometheus), /healthz and /readyz on this port (off by default)',
    },
    'metrics-host': {
      type: 'string',
      valueName: 'address',
      description: 'address for --metrics-port (default 127.0.0.1; 0.0.0.0 for a scraper elsewhere)',
    },
    json: jsonOption,
  },
  epilog: [
    'Environment: DATABASE_URL, REDIS_URL and KITH_SECRET_KEY (all three required).',
    '',
    'Examples:',
    '  DATABASE_URL=postgres://… REDIS_URL=redis://… KITH_SECRET_KEY=… kith worker',
    '  kith worker --concurrency 64 --drains 8',
    '  kith worker --metrics-port 9464 --metrics-host 0.0.0.0',
    '',
    'Stops on SIGINT or SIGTERM after the jobs in flight (exit 0).',
  ].join('\n'),
  async run({ values, io, colors }) {
    const env = distributedEnv(io.env);
    if (env === undefined) {
      throw new UsageError(
        'kith worker needs DATABASE_URL and REDIS_URL (the embedded mode runs its work inside `kith serve`)',
      );
    }
    const jobs = positive('concurrency', values.concurrency);
    const drains = positive('drains', values.drains);
    const concurrency =
      drains === undefined
        ? jobs
        : { events: drains, ...(jobs === undefined ? {} : { effects: jobs, timers: jobs }) };
    const metricsPort = values['metrics-port'] === '0' ? 0 : positive('metrics-port', values['metrics-port']);
    if (metricsPort !== undefined && metricsPort > 65_535)
      throw new UsageError(`--metrics-port must be a port number (1–65535), got ${metricsPort}`);
    if (values['metrics-host'] !== undefined && metricsPort === undefined)
      throw new UsageError('--metrics-host needs --metrics-port');
    const { createDistributedHost, jsonLogger, serveWorkerEndpoint } = await import('@kith/server');
    const logTo = values.json ? io.stderr : io.stdout;
    const log = jsonLogger({ write: (line) => logTo.write(`${line}\n`) });
    const c = colors.stderr;
    let host: Awaited<ReturnType<typeof createDistributedHost>>;
    try {
      host = await createDistributedHost({
        ...env,
        role: 'worker',
        prefix: values.prefix,
        concurrency,
        env: io.env,
        log,
      });
    } catch (error) {
      const message = (error as Error).message;
      if (/KITH_SECRET_KEY/.test(message)) throw new UsageError(message);
      throw error;
    }
    let endpoint: Awaited<ReturnType<typeof serveWorkerEndpoint>> | undefined;
    if (metricsPort !== undefined) {
      try {
        endpoint = await serveWorkerEndpoint(host, { port: metricsPort, hostname: values['metrics-host'] });
      } catch (error) {
        await host.close();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
          throw new UsageError(`--metrics-port ${metricsPort}: ${(error as Error).message}`);
        throw error;
      }
    }
    if (values.json)
      io.stdout.write(
        `${JSON.stringify({ mode: 'worker', pid: process.pid, ...(endpoint ? { metrics: `${endpoint.url}/metrics` } : {}) })}\n`,
      );
    else
      io.stderr.write(
        `${c.green('●')} ${c.bold('kith worker')} taking jobs  ${c.dim(`(pid ${process.pid})`)}${endpoint ? `  metrics ${c.cyan(`${endpoint.url}/metrics`)}` : ''}\n`,
      );
    const signal = await untilSignal();
    io.stderr.write(`${c.dim(`${signal}: finishing jobs in flight…`)}\n`);
    await endpoint?.close();
    const stats = host.workers?.stats();
    await host.close();
    if (stats && !values.json) {
      io.stderr.write(
        `${c.dim(`stopped after ${stats.events.ingested} events, ${stats.timers.fired} timers`)}\n`,
      );
    }
    return EXIT.ok;
  },
});
