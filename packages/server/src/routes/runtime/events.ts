import { randomUUID } from 'node:crypto';
import type { EventInput } from '@kith/engine';
import { type Static, Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { tenantAccess } from '../../auth/access.js';
import type { AppContext, AppEnv, IngestResult, ServerDeps } from '../../contract.js';
import { readJson } from '../../http/body.js';
import { requestHeader } from '../../http/headers.js';
import { ProblemError } from '../../http/problem.js';
import { describeRoute } from '../../openapi/registry.js';
import { BASE, ExternalId, Instant, instant, PRINTABLE_PATTERN, publishedPlaybook } from './common.js';

export const MAX_BATCH = 1000;

const EventBody = Type.Object(
  {
    id: Type.Optional(
      ExternalId('Unique per tenant: the same id twice has no second effect. Optional, see the route.'),
    ),
    type: Type.String({
      pattern: '^[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*$',
      maxLength: 200,
      description: 'Dotted event name: `member.joined`, `payment.succeeded`.',
    }),
    member: Type.Union([ExternalId('The member it is about.'), Type.Null()], {
      description: 'The member it is about; null for a community-level event (`group.opened`).',
    }),
    at: Type.Optional(Instant('When it happened: epoch milliseconds or ISO 8601 (default: now).')),
    data: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'What playbooks read as `event.<name>`.' }),
    ),
  },
  { additionalProperties: false },
);
type EventBody = Static<typeof EventBody>;

const BatchBody = Type.Object(
  { events: Type.Array(EventBody, { minItems: 1, maxItems: MAX_BATCH }) },
  { additionalProperties: false },
);

const Accepted = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate')]),
});
const BatchAccepted = Type.Object({ items: Type.Array(Accepted) });

const KEY = new RegExp(PRINTABLE_PATTERN, 'u');

/** The `Idempotency-Key` header, if sent; 400 at `/header/idempotency-key` when it is not an id. */
function idempotencyKey(c: AppContext): string | undefined {
  const key = requestHeader(c, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw new ProblemError(400, 'invalid-header', 'Idempotency-Key must be 1–200 printable characters.', [
      { path: '/header/idempotency-key', message: 'must be 1–200 printable characters' },
    ]);
  }
  return key;
}

function toInput(tenant: string, e: EventBody, id: string, pointer: string): EventInput {
  const at = instant(e.at, `${pointer}/at`);
  return {
    tenant,
    id,
    type: e.type,
    member: e.member,
    ...(at === undefined ? {} : { at }),
    ...(e.data === undefined ? {} : { data: e.data }),
  };
}

/**
 * `POST /events` and `/events/batch`: events in, through the host's idempotent ingest (embedded:
 * run now; distributed: queued for the workers).
 */
export function eventRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const ingest = async (tenant: string, input: EventInput): Promise<IngestResult> => {
    const status = await deps.engine.ingest(tenant, input);
    if (status === 'accepted') {
      deps.activity.publish({
        tenant,
        at: input.at ?? deps.now(),
        kind: 'event',
        type: input.type,
        ...(input.member == null ? {} : { member: input.member }),
      });
    }
    return status;
  };

  describeRoute({
    method: 'POST',
    path: `${BASE}/events`,
    summary:
      'Ingest one event. Its id is `id` from the body, else the `Idempotency-Key` header; only when both are absent is an id generated (and then a retried request counts twice). Sending the same id again answers `duplicate` and has no second effect.',
    tags: ['events'],
    role: 'editor',
    body: EventBody,
    response: Accepted,
    status: 202,
  });
  app.post('/events', async (c) => {
    const tenant = await tenantAccess(c, deps, 'write');
    const key = idempotencyKey(c);
    const body = await readJson<EventBody>(c, EventBody);
    if (body.id !== undefined && key !== undefined && body.id !== key) {
      throw new ProblemError(
        400,
        'id-mismatch',
        'The body `id` and the Idempotency-Key header differ; send one, or the same in both.',
        [
          { path: '/id', message: 'differs from the Idempotency-Key header' },
          { path: '/header/idempotency-key', message: 'differs from the body id' },
        ],
      );
    }
    await publishedPlaybook(deps.engine, tenant.id);
    const id = body.id ?? key ?? randomUUID();
    const status = await ingest(tenant.id, toInput(tenant.id, body, id, ''));
    return c.json({ id, status }, 202);
  });

  describeRoute({
    method: 'POST',
    path: `${BASE}/events/batch`,
    summary: `Ingest up to ${MAX_BATCH} events, in order. An event without \`id\` takes \`<Idempotency-Key>:<index>\` when the header is sent; only without both is an id generated. Each item answers \`accepted\` or \`duplicate\`.`,
    tags: ['events'],
    role: 'editor',
    body: BatchBody,
    response: BatchAccepted,
    status: 202,
  });
  app.post('/events/batch', async (c) => {
    const tenant = await tenantAccess(c, deps, 'write');
    const key = idempotencyKey(c);
    const body = await readJson<Static<typeof BatchBody>>(c, BatchBody);
    // every time is checked before anything is ingested: a bad item refuses the batch whole
    const inputs = body.events.map((e, i) =>
      toInput(tenant.id, e, e.id ?? (key === undefined ? randomUUID() : `${key}:${i}`), `/events/${i}`),
    );
    await publishedPlaybook(deps.engine, tenant.id);
    const items: { id: string; status: IngestResult }[] = [];
    for (const input of inputs) items.push({ id: input.id, status: await ingest(tenant.id, input) });
    return c.json({ items }, 202);
  });

  return app;
}
