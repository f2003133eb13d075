import { defineCommand, EXIT, jsonOption, UsageError } from '../command.js';
import type { CliIO } from '../io.js';

/** Resolves with the signal's name on the first SIGINT or SIGTERM (the listeners are removed). */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
}

/** The run mode the environment asks for; half a distributed configuration is a usage error. */
export function distributedEnv(env: CliIO['env']): { databaseUrl: string; redisUrl: string } | undefined {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (databaseUrl !== undefined && redisUrl === undefined) {
    throw new UsageError(
      'DATABASE_URL is set but REDIS_URL is not: the distributed mode needs both (or unset DATABASE_URL for the embedded mode)',
    );
  }
  if (redisUrl !== undefined && databaseUrl === undefined) {
    throw new UsageError(
      'REDIS_URL is set but DATABASE_URL is not: the distributed mode needs both (or unset REDIS_URL for the embedded mode)',
    );
  }
  return databaseUrl && redisUrl ? { databaseUrl, redisUrl } : undefined;
}

export function port(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, got '${value}'`);
  return n;
}

export default defineCommand({
  name: 'serve',
  summary: 'run the Kith server: the API, the editor, and the engine',
  description:
    'Runs the HTTP API and the built editor. With nothing configured it is the embedded mode: PGlite\n' +
    'in ./.kith, timers and deliveries in this process, and on the first start a demo agency with\n' +
    'every template on the sandbox channel and an admin token (printed once, kept in .kith/admin-token).\n' +
    'With DATABASE_URL and REDIS_URL it is the API of the distributed mode: events are queued for\n' +
    '`kith worker` processes, and bull-board is at /admin/queues.',
  options: {
    port: {
      type: 'string',
      short: 'p',
      valueName: 'port',
      description: 'port to listen on (default 8787; 0: any free port)',
    },
    host: {
      type: 'string',
      valueName: 'address',
      description: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)',
    },
    'data-dir': {
      type: 'string',
      valueName: 'dir',
      description: 'embedded data directory (default ./.kith)',
    },
    'editor-dir': {
      type: 'string',
      valueName: 'dir',
      description: 'built editor to serve (default apps/editor/dist when present)',
    },
    memory: {
      type: 'boolean',
      description: 'keep everything in memory: a throwaway server with the demo seed',
    },
    json: jsonOption,
  },
  epilog: [
    'Examples:',
    '  kith serve',
    '  kith serve --port 9000 --data-dir /var/lib/kith',
    '  DATABASE_URL=postgres://… REDIS_URL=redis://… kith serve --host 0.0.0.0',
    '',
    'Stops on SIGINT or SIGTERM after the requests in flight (exit 0). Logs are JSON lines on stdout',
    '(on stderr with --json, which prints one JSON document with the URL on stdout).',
  ].join('\n'),
  async run({ values, io, colors }) {
    const distributed = distributedEnv(io.env);
    const listenPort = port(values.port, 8787);
    const { serve, jsonLogger } = await import('@kith/server');
    const logTo = values.json ? io.stderr : io.stdout;
    const log = jsonLogger({ write: (line) => logTo.write(`${line}\n`) });
    const c = colors.stderr;
    let serving: Awaited<ReturnType<typeof serve>>;
    try {
      serving = await serve({
        port: listenPort,
        host: values.host,
        dataDir: values['data-dir'],
        editorDir: values['editor-dir'],
        mode: values.memory ? 'memory' : undefined,
        distributed,
        env: io.env,
        log,
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE')
        throw new UsageError(`port ${listenPort} is in use; pick another with --port`);
      throw error;
    }
    const { url, host, seeded, editorDir } = serving;
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ url, mode: host.mode, dataDir: host.dataDir ?? null, editor: editorDir ?? null, adminToken: seeded?.token ?? null })}\n`,
      );
    } else {
      io.stderr.write(
        `${c.green('●')} ${c.bold('kith')} serving ${c.cyan(url)}  ${c.dim(`(${host.mode}${host.dataDir ? `, ${host.dataDir}` : ''})`)}\n`,
      );
      io.stderr.write(
        `  API reference ${c.cyan(`${url}/docs`)}   ${editorDir ? `editor ${c.cyan(`${url}/`)}` : c.dim('editor not built (pnpm --filter @kith/editor build)')}\n`,
      );
      if (seeded) {
        io.stderr.write(
          `\n  ${c.yellow('First start:')} demo agency with ${seeded.playbooks.length} playbooks (${seeded.published ?? 'none'} published).\n` +
            `  Admin token (shown once${seeded.tokenFile ? `; also in ${seeded.tokenFile}` : ''}):\n\n    ${c.bold(seeded.token)}\n\n`,
        );
      }
    }
    const signal = await untilSignal();
    io.stderr.write(`${c.dim(`${signal}: finishing requests in flight…`)}\n`);
    await serving.close();
    io.stderr.write(`${c.dim('stopped')}\n`);
    return EXIT.ok;
  },
});
