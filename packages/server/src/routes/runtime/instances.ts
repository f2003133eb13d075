import type { JourneyInstance, Kernel } from '@kith/engine';
import { type Static, Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { tenantAccess } from '../../auth/access.js';
import type { AppEnv, ServerDeps } from '../../contract.js';
import { readQuery } from '../../http/body.js';
import { describeRoute } from '../../openapi/registry.js';
import {
  AccessToken,
  BASE,
  byId,
  Cursor,
  decodeCursor,
  encodeCursor,
  Id,
  Limit,
  loadedKernel,
} from './common.js';
import { currentStep, finishedRuns, memberOfRun, runView } from './runs.js';

const LIVE = ['active', 'waiting', 'calling'] as const;
const ENDED = ['completed', 'exited'] as const;

const InstancesQuery = Type.Object(
  {
    journey: Type.Optional(Id('Runs of this journey.')),
    step: Type.Optional(Id('Runs on this step now (runs in progress only).')),
    status: Type.Optional(
      Type.Union(
        [...LIVE, ...ENDED].map((s) => Type.Literal(s)),
        {
          description: 'Runs with this status; `completed`/`exited` read the archive of finished runs.',
        },
      ),
    ),
    cursor: Type.Optional(Cursor),
    limit: Limit(500, 100),
    access_token: AccessToken,
  },
  { additionalProperties: false },
);
type Query = Static<typeof InstancesQuery>;

/** Where the next page starts: in the runs in progress (after member `m`'s first `n`), or the archive. */
type Position = { m: string; n: number } | { f: number };

const isPosition = (v: unknown): v is Position => {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  if (typeof p.m === 'string') return Number.isSafeInteger(p.n) && (p.n as number) >= 0;
  return Number.isSafeInteger(p.f) && (p.f as number) >= 0;
};

function matching(q: Query, kernel: Kernel | undefined) {
  return (run: JourneyInstance): boolean =>
    (q.journey === undefined || run.journey === q.journey) &&
    (q.status === undefined || run.status === q.status) &&
    (q.step === undefined || (run.endedAt === null && currentStep(kernel, run) === q.step));
}

/** `GET /instances`: journey runs across members, runs in progress first (by member), then finished ones. */
export function instanceRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  describeRoute({
    method: 'GET',
    path: `${BASE}/instances`,
    summary:
      'Journey runs matching the filters: runs in progress (by member id), then finished runs; `next` is the cursor of the following page.',
    tags: ['members'],
    role: 'viewer',
    query: InstancesQuery,
  });
  app.get('/instances', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    const q = readQuery<Query>(c, InstancesQuery);
    const limit = q.limit ?? 100;
    const from = decodeCursor(q.cursor, isPosition) ?? { m: '', n: 0 };
    const kernel = await loadedKernel(deps.engine, tenant.id);
    const store = deps.engine.store;
    const keep = matching(q, kernel);
    const items: ReturnType<typeof runView>[] = [];
    const page = (next: Position | null) =>
      c.json({ items, ...(next === null ? {} : { next: encodeCursor(next) }) });

    const wantLive = q.status === undefined || (LIVE as readonly string[]).includes(q.status);
    const wantEnded =
      q.step === undefined && (q.status === undefined || (ENDED as readonly string[]).includes(q.status));
    if (wantLive && 'm' in from) {
      const ids: string[] = [];
      for await (const id of store.memberIds(tenant.id)) if (byId(id, from.m) >= 0) ids.push(id);
      ids.sort(byId);
      for (const id of ids) {
        const state = await store.loadMember(tenant.id, id);
        const runs = (state?.instances ?? []).filter(keep);
        for (let i = id === from.m ? from.n : 0; i < runs.length; i++) {
          if (items.length === limit) return page({ m: id, n: i });
          items.push(runView(kernel, runs[i]!, id));
        }
      }
    }
    if (wantEnded) {
      const runs = (await finishedRuns(store, tenant.id)).filter(keep);
      for (let i = ('f' in from) ? from.f : 0; i < runs.length; i++) {
        if (items.length === limit) return page({ f: i });
        items.push(runView(kernel, runs[i]!, memberOfRun(runs[i]!)));
      }
    }
    return page(null);
  });

  return app;
}
