import { type LimitCatalogue, resolveSettings, type SimulationSettings } from '@kith/engine';
import { SimulationProfile } from '@kith/playbook';
import { type Static, Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { tenantAccess } from '../../auth/access.js';
import type { AppEnv, ServerDeps } from '../../contract.js';
import { readJson } from '../../http/body.js';
import { ProblemError } from '../../http/problem.js';
import { openSse } from '../../live/sse.js';
import { describeRoute } from '../../openapi/registry.js';
import { BASE, Id } from './common.js';
import { diagnosticLine, validateSource } from './playbook-source.js';
import { type JobEvent, type SimulationJob, SimulationJobs, TooManySimulations } from './simulation-jobs.js';
import { workerRunner } from './simulation-runner.js';
import type { SimulationRunner } from './simulation-types.js';

/** Organic arrivals a simulation started over the API may have (the CLI has no such cap). */
export const MAX_API_MEMBERS = 200_000;

// The published schema carries an `$id`; a copy without it can sit inside another schema.
const { $id: _id, ...profileSchema } = SimulationProfile;
const Profile = Type.Unsafe<Static<typeof SimulationProfile>>(profileSchema);

const SimulationBody = Type.Object(
  {
    playbook: Type.Optional(
      Id('A playbook of this tenant: its draft (the saved text, published or not) is simulated.'),
    ),
    source: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1_000_000, description: 'Playbook YAML to simulate instead.' }),
    ),
    profile: Type.Optional(Profile),
    members: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_API_MEMBERS,
        description: `Organic arrivals (overrides the profile; at most ${MAX_API_MEMBERS}).`,
      }),
    ),
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 3650, description: 'Days simulated (overrides the profile).' }),
    ),
    seed: Type.Optional(
      Type.Integer({
        description: 'Random seed (overrides the profile); the same seed gives the same report.',
      }),
    ),
    start: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'Virtual start, ISO 8601 with offset (overrides the profile).',
      }),
    ),
  },
  { additionalProperties: false },
);
type SimulationBody = Static<typeof SimulationBody>;

const Started = Type.Object({ id: Type.String() });

export interface SimulationOptions {
  /** Where simulations run (default: a worker thread each). */
  runner?: SimulationRunner;
  /** Simulations running at once per tenant (default 2). */
  perTenant?: number;
  heartbeatMs?: number;
}

let limitsCache: Promise<LimitCatalogue> | undefined;

/** The rate limits the installed plugins declare, by plugin name (the simulator predicts violations). */
function installedLimits(): Promise<LimitCatalogue> {
  limitsCache ??= import('@kith/catalogue').then((catalogue) => catalogue.installedRateLimits());
  return limitsCache;
}

function jobView(job: SimulationJob) {
  return {
    id: job.id,
    status: job.status,
    progress: job.progress,
    day: job.day,
    days: job.days,
    members: job.members,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    ...(job.report === undefined ? {} : { report: job.report }),
    ...(job.error === undefined ? {} : { error: job.error }),
  };
}

/** Simulations: start one on a draft or given text, follow it, read its report. */
export function simulationRoutes(
  deps: ServerDeps,
  options: SimulationOptions = {},
): { app: Hono<AppEnv>; jobs: SimulationJobs } {
  const app = new Hono<AppEnv>();
  const jobs = new SimulationJobs({
    runner: options.runner ?? workerRunner,
    ...(options.perTenant === undefined ? {} : { perTenant: options.perTenant }),
    now: deps.now,
  });

  async function sourceOf(
    tenant: string,
    body: SimulationBody,
  ): Promise<{ text: string; name: string; at: string }> {
    if (body.source !== undefined && body.playbook !== undefined) {
      throw new ProblemError(400, 'ambiguous-source', 'Give `playbook` or `source`, not both.', [
        { path: '/source', message: 'remove this or /playbook' },
      ]);
    }
    if (body.source !== undefined) return { text: body.source, name: 'source', at: '/source' };
    if (body.playbook === undefined) {
      throw new ProblemError(
        422,
        'missing-source',
        'Say what to simulate: `playbook` (the id of one of this tenant’s playbooks) or `source` (playbook YAML).',
        [{ path: '/playbook', message: 'is required when source is not given' }],
      );
    }
    const draft = await deps.control.getPlaybook(tenant, body.playbook);
    if (draft === undefined) {
      throw new ProblemError(
        422,
        'unknown-playbook',
        `Tenant '${tenant}' has no playbook '${body.playbook}'.`,
        [{ path: '/playbook', message: 'is not a playbook of this tenant' }],
      );
    }
    return { text: draft.source, name: body.playbook, at: '/playbook' };
  }

  describeRoute({
    method: 'POST',
    path: `${BASE}/simulations`,
    summary: `Starts a simulation of a playbook draft (\`playbook\`) or of \`source\` on a synthetic community (\`profile\`, \`members\` ≤ ${MAX_API_MEMBERS}, \`days\`, \`seed\`); 202 with its id. At most two run at once per tenant (429 otherwise).`,
    tags: ['simulations'],
    role: 'viewer',
    body: SimulationBody,
    response: Started,
    status: 202,
  });
  app.post('/simulations', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    const body = await readJson<SimulationBody>(c, SimulationBody);
    if (body.start !== undefined && Number.isNaN(Date.parse(body.start))) {
      throw new ProblemError(422, 'invalid-time', '`start` must be an ISO 8601 time with offset.', [
        { path: '/start', message: 'must be an ISO 8601 time such as 2026-03-01T00:00:00+08:00' },
      ]);
    }
    if (body.profile?.start !== undefined && Number.isNaN(Date.parse(body.profile.start))) {
      throw new ProblemError(422, 'invalid-time', '`profile.start` must be an ISO 8601 time with offset.', [
        { path: '/profile/start', message: 'must be an ISO 8601 time such as 2026-03-01T00:00:00+08:00' },
      ]);
    }
    const src = await sourceOf(tenant.id, body);
    const result = validateSource(src.text, src.name);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (result.playbook === undefined || errors.length > 0) {
      throw new ProblemError(
        422,
        'invalid-playbook',
        `The playbook has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} before simulating.`,
        errors.slice(0, 50).map((d) => ({ path: src.at, message: diagnosticLine(d), code: d.code })),
        { extra: { diagnostics: errors } },
      );
    }
    let settings: SimulationSettings;
    try {
      settings = resolveSettings(
        body.profile,
        {
          ...(body.members === undefined ? {} : { members: body.members }),
          ...(body.days === undefined ? {} : { days: body.days }),
          ...(body.seed === undefined ? {} : { seed: body.seed }),
          ...(body.start === undefined ? {} : { start: body.start }),
        },
        result.playbook,
      );
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      throw new ProblemError(422, 'invalid-settings', e.message, [{ path: '/profile', message: e.message }]);
    }
    if (settings.members > MAX_API_MEMBERS) {
      throw new ProblemError(
        422,
        'too-many-members',
        `A simulation started over the API has at most ${MAX_API_MEMBERS} members; run larger ones with \`kith simulate\`.`,
        [
          {
            path: body.members === undefined ? '/profile/members' : '/members',
            message: `must be at most ${MAX_API_MEMBERS}`,
          },
        ],
      );
    }
    let job: SimulationJob;
    try {
      job = jobs.start(tenant.id, {
        playbook: result.playbook,
        params: result.params,
        settings,
        limits: await installedLimits(),
      });
    } catch (e) {
      if (!(e instanceof TooManySimulations)) throw e;
      throw new ProblemError(
        429,
        'too-many-simulations',
        `${e.message}; wait for one to finish.`,
        undefined,
        {
          headers: { 'retry-after': '10' },
        },
      );
    }
    deps.log.log('info', 'simulation started', {
      tenant: tenant.id,
      simulation: job.id,
      members: settings.members,
      days: settings.days,
    });
    return c.json({ id: job.id }, 202);
  });

  const jobOf = (tenant: string, id: string): SimulationJob => {
    const job = jobs.get(tenant, id);
    if (job === undefined) {
      throw new ProblemError(
        404,
        'simulation-not-found',
        `No simulation '${id.slice(0, 100)}' for this tenant (finished ones are kept for a while, the last 20).`,
      );
    }
    return job;
  };

  describeRoute({
    method: 'GET',
    path: `${BASE}/simulations/:id`,
    summary:
      'A simulation: `running` with its progress, then `done` with the report or `failed` with the error.',
    tags: ['simulations'],
    role: 'viewer',
  });
  app.get('/simulations/:id', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    return c.json(jobView(jobOf(tenant.id, c.req.param('id'))));
  });

  describeRoute({
    method: 'GET',
    path: `${BASE}/simulations/:id/events`,
    summary:
      'Server-sent events of a simulation: `progress` `{ progress, day }`, then `done` `{ report }` or `failed` `{ error }`, and the stream ends. The token may be given as `?access_token=`.',
    tags: ['simulations'],
    role: 'viewer',
    stream: true,
  });
  app.get('/simulations/:id/events', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    const job = jobOf(tenant.id, c.req.param('id'));
    return openSse(c, { heartbeatMs: options.heartbeatMs ?? 15_000 }, (sink) => {
      const emit = (e: JobEvent) => {
        if (e.type === 'progress') sink.send('progress', { progress: e.progress, day: e.day }, true);
        else {
          sink.send(e.type, e.type === 'done' ? { report: e.report } : { error: e.error });
          sink.close();
        }
      };
      emit({ type: 'progress', progress: job.progress, day: job.day });
      if (job.status === 'done' && job.report !== undefined) emit({ type: 'done', report: job.report });
      else if (job.status === 'failed') emit({ type: 'failed', error: job.error ?? 'failed' });
      return jobs.listen(tenant.id, job.id, emit);
    });
  });

  return { app, jobs };
}
