import { type Static, Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { tenantAccess } from '../../auth/access.js';
import type { AppEnv, ServerDeps } from '../../contract.js';
import { readQuery } from '../../http/body.js';
import { ProblemError } from '../../http/problem.js';
import { describeRoute } from '../../openapi/registry.js';
import { AccessToken, BASE, Cursor, externalParam, Id, Limit, loadedKernel } from './common.js';
import { findMembers } from './member-query.js';
import { memberProfile, memberSummary, memberTimeline } from './member-views.js';
import { finishedRuns, memberOfRun } from './runs.js';

const MembersQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Part of the id or the name (any case).',
      }),
    ),
    stage: Type.Optional(Id('Members in this stage now.')),
    tier: Type.Optional(Id('Members of this tier.')),
    tag: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Members carrying this tag.' }),
    ),
    journey: Type.Optional(Id('Members with a run of this journey in progress.')),
    step: Type.Optional(Id('Members with a run (of `journey`, if given) waiting on this step.')),
    cursor: Type.Optional(Cursor),
    limit: Limit(200, 50),
    access_token: AccessToken,
  },
  { additionalProperties: false },
);

const TimelineQuery = Type.Object(
  { limit: Limit(1000, 200), access_token: AccessToken },
  { additionalProperties: false },
);

function memberNotFound(id: string): ProblemError {
  return new ProblemError(
    404,
    'member-not-found',
    `No member '${id.slice(0, 200)}' in this tenant; members appear with their first event.`,
  );
}

/** Members: a filtered list, one member's profile, and their timeline. */
export function memberRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const store = () => deps.engine.store;

  describeRoute({
    method: 'GET',
    path: `${BASE}/members`,
    summary:
      'Members matching every filter given, in id order, a page at a time (`next` is the cursor of the following page).',
    tags: ['members'],
    role: 'viewer',
    query: MembersQuery,
  });
  app.get('/members', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    const query = readQuery<Static<typeof MembersQuery>>(c, MembersQuery);
    const kernel = await loadedKernel(deps.engine, tenant.id);
    const page = await findMembers(store(), tenant.id, { ...query, limit: query.limit ?? 50 });
    return c.json({
      items: page.items.map((m) => memberSummary(m, kernel)),
      ...(page.next === null ? {} : { next: page.next }),
    });
  });

  describeRoute({
    method: 'GET',
    path: `${BASE}/members/:member`,
    summary:
      'One member: profile (identities, stage, tier, tags, attributes, points, streaks, referrals, groups), orders and runs in progress.',
    tags: ['members'],
    role: 'viewer',
  });
  app.get('/members/:member', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    const id = externalParam(c.req.param('member'), 'member');
    const state = await store().loadMember(tenant.id, id);
    if (state === undefined) throw memberNotFound(id);
    return c.json(memberProfile(state, await loadedKernel(deps.engine, tenant.id)));
  });

  describeRoute({
    method: 'GET',
    path: `${BASE}/members/:member/timeline`,
    summary:
      'What happened to a member, newest first: journeys entered and ended, steps run, orders and payments, messages, dead letters.',
    tags: ['members'],
    role: 'viewer',
    query: TimelineQuery,
  });
  app.get('/members/:member/timeline', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    const id = externalParam(c.req.param('member'), 'member');
    const { limit } = readQuery<Static<typeof TimelineQuery>>(c, TimelineQuery);
    const state = await store().loadMember(tenant.id, id);
    if (state === undefined) throw memberNotFound(id);
    const finished = (await finishedRuns(store(), tenant.id)).filter((run) => memberOfRun(run) === id);
    const dead = (await deps.engine.runtime.deadLetters(tenant.id)).filter((d) => d.effect.member === id);
    return c.json({ items: memberTimeline(state, finished, dead).slice(0, limit ?? 200) });
  });

  return app;
}
