import { pluginCatalogue } from '@kith/catalogue';
import { playbookJsonSchema } from '@kith/playbook';
import { Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { principalOf } from '../auth/access.js';
import type { AppEnv } from '../contract.js';
import { readJson } from '../http/body.js';
import { describeRoute } from '../openapi/registry.js';
import { errorsOf, publicDiagnostics } from '../playbooks/service.js';
import type { RouteContext } from './context.js';
import { Diagnostic, Source } from './schemas.js';

const ValidateBody = Type.Object(
  {
    source: Source,
    filename: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: '^[^\\u0000-\\u001f/\\\\]+$',
        description: 'Shown in diagnostics (default playbook.yaml).',
      }),
    ),
  },
  { additionalProperties: false },
);
const ValidateReply = Type.Object({ ok: Type.Boolean(), diagnostics: Type.Array(Diagnostic) });

const PluginItem = Type.Object(
  {
    name: Type.String(),
    version: Type.String(),
    kind: Type.Union([Type.Literal('channel'), Type.Literal('payment'), Type.Literal('action')]),
    description: Type.String(),
    configSchema: Type.Unknown(),
    actions: Type.Record(
      Type.String(),
      Type.Object({ inputSchema: Type.Unknown() }, { additionalProperties: true }),
    ),
  },
  { additionalProperties: true },
);

/** Validation, the plugin catalogue and the playbook schema: what the editor needs to author. */
export function catalogueRoutes(ctx: RouteContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  describeRoute({
    method: 'POST',
    path: '/api/v1/validate',
    summary: 'Validate a playbook (templates: @kith/templates/<id> and the agency’s @agency/<id>)',
    tags: ['authoring'],
    role: 'any',
    body: ValidateBody,
    response: ValidateReply,
  });
  app.post('/validate', async (c) => {
    const p = principalOf(c);
    const body = await readJson(c, ValidateBody);
    const result = await ctx.playbooks.validate(p.agency, body.filename ?? 'playbook.yaml', body.source);
    const diagnostics = publicDiagnostics(result.diagnostics);
    return c.json({ ok: errorsOf(diagnostics) === 0, diagnostics });
  });

  describeRoute({
    method: 'GET',
    path: '/api/v1/plugins',
    summary: 'Installed plugins: config schemas, actions, limits, events',
    tags: ['authoring'],
    role: 'any',
    response: Type.Object({ items: Type.Array(PluginItem) }),
  });
  app.get('/plugins', (c) => {
    principalOf(c);
    const items = pluginCatalogue(ctx.plugins.plugins).map((e) => ({
      ...e,
      kind: e.capabilities.channel ? 'channel' : e.capabilities.payment ? 'payment' : 'action',
    }));
    return c.json({ items });
  });

  describeRoute({
    method: 'GET',
    path: '/api/v1/schema/playbook',
    summary: 'The playbook JSON Schema (editor forms, IDEs)',
    tags: ['authoring'],
    role: 'public',
  });
  app.get('/schema/playbook', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(playbookJsonSchema());
  });

  return app;
}
