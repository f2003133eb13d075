import type { TSchema } from '@sinclair/typebox';
import { describedRoutes, type RouteDescription } from './registry.js';

type Json = Record<string, unknown>;

/** A TypeBox schema as plain JSON Schema (its symbol-keyed markers dropped). */
function plain(schema: TSchema): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

const PROBLEM: Json = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } },
      },
    },
  },
};

const ROLE_TEXT: Record<RouteDescription['role'], string> = {
  public: 'No token.',
  any: 'Any valid token.',
  viewer: 'A token that can read this tenant (viewer, editor, agency-admin).',
  editor: 'A token that can write this tenant (editor, agency-admin).',
  'agency-admin': 'An agency-admin token.',
};

function operation(r: RouteDescription): Json {
  const params: Json[] = [];
  for (const m of r.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    params.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (r.query) {
    const q = plain(r.query);
    const props = (q.properties ?? {}) as Record<string, Json>;
    const required = new Set((q.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(props)) {
      params.push({
        name,
        in: 'query',
        required: required.has(name),
        schema,
        description: schema.description,
      });
    }
  }
  const status = String(r.status ?? 200);
  const success: Json = { description: 'Success' };
  if (r.stream) success.content = { 'text/event-stream': { schema: { type: 'string' } } };
  else if (r.response) success.content = { 'application/json': { schema: plain(r.response) } };
  const problem = {
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
  const responses: Json = { [status]: success };
  if (r.body || r.query) responses['400'] = { description: 'The request could not be read', ...problem };
  if (r.role !== 'public') responses['401'] = { description: 'No token, or an unknown one', ...problem };
  if (r.role !== 'public' && r.role !== 'any')
    responses['403'] = { description: 'The token may not do this', ...problem };
  if (r.path.includes(':'))
    responses['404'] = { description: 'Not found, or not visible to this token', ...problem };
  if (r.body) responses['422'] = { description: 'The body does not match the schema', ...problem };
  const op: Json = {
    operationId: `${r.method.toLowerCase()}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch?: string) => (ch ? ch.toUpperCase() : ''))}`,
    summary: r.summary,
    description: ROLE_TEXT[r.role],
    tags: r.tags,
    parameters: params,
    responses,
    'x-kith-role': r.role,
  };
  if (r.role === 'public') op.security = [];
  if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: plain(r.body) } } };
  return op;
}

/** The OpenAPI 3.1 document of every described route. */
export function openApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const r of describedRoutes()) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    (paths[path] as Json)[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kith API',
      version: '1',
      description:
        'Community playbooks: tenants, playbooks, events, members, live stats. Errors are RFC 9457 problem details.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Problem: PROBLEM },
    },
    paths,
  };
}
