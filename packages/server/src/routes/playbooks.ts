import { type Static, Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { parse } from 'yaml';
import { notFound, principalOf, tenantAccess } from '../auth/access.js';
import type { AppContext, AppEnv, ServerDeps } from '../contract.js';
import type { PlaybookDraft } from '../control/types.js';
import { readJson, readQuery } from '../http/body.js';
import { ProblemError } from '../http/problem.js';
import { describeRoute } from '../openapi/registry.js';
import { structuralDiff, unifiedDiff } from '../playbooks/diff.js';
import { draftFile } from '../playbooks/host.js';
import { errorsOf, publicDiagnostics, warningsOf } from '../playbooks/service.js';
import type { RouteContext } from './context.js';
import { Diagnostic, Id, Iso, iso, Source } from './schemas.js';

const BASE = '/api/v1/tenants/:tenant/playbooks';
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const VersionInfo = Type.Object({ version: Type.Integer(), publishedAt: Iso('When.'), by: Type.String() });
const Playbook = Type.Object({
  id: Type.String(),
  source: Type.String(),
  revision: Type.Integer(),
  diagnostics: Type.Array(Diagnostic),
  publishedVersion: Type.Union([Type.Integer(), Type.Null()]),
  live: Type.Boolean({
    description: 'Whether new members start on this playbook (the tenant’s last published).',
  }),
  template: Type.Union([
    Type.Object({ id: Type.String(), params: Type.Record(Type.String(), Type.Unknown()) }),
    Type.Null(),
  ]),
  versions: Type.Array(VersionInfo),
  createdAt: Iso('When it was created.'),
  updatedAt: Iso('When it was last saved.'),
});
const Summary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  revision: Type.Integer(),
  publishedVersion: Type.Union([Type.Integer(), Type.Null()]),
  live: Type.Boolean(),
  updatedAt: Iso('When it was last saved.'),
  errors: Type.Integer(),
  warnings: Type.Integer(),
});
const CreateBody = Type.Object(
  {
    id: Id('The playbook id (also its `id:` in the YAML).'),
    source: Type.Optional(Source),
    template: Type.Optional(
      Id('Instantiate this template (built-in or the agency’s) instead of sending a source.'),
    ),
    params: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
        description: 'The template’s parameters.',
      }),
    ),
  },
  { additionalProperties: false },
);
const SaveBody = Type.Object(
  {
    source: Source,
    revision: Type.Integer({ minimum: 1, description: 'The revision this edit started from.' }),
  },
  { additionalProperties: false },
);
const PublishBody = Type.Object(
  {
    revision: Type.Integer({
      minimum: 1,
      description: 'The draft revision being published (409 if it changed since).',
    }),
  },
  { additionalProperties: false },
);
const RollbackBody = Type.Object({ version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const DiffQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        pattern: '^(draft|[1-9][0-9]{0,8})$',
        description: 'A version number or `draft` (default: the latest version).',
      }),
    ),
    to: Type.Optional(
      Type.String({
        pattern: '^(draft|[1-9][0-9]{0,8})$',
        description: 'A version number or `draft` (default: draft).',
      }),
    ),
  },
  { additionalProperties: true },
);
const Preview = Type.Object({
  version: Type.Integer(),
  moves: Type.Array(
    Type.Object({
      journey: Type.String(),
      from: Type.String(),
      to: Type.Union([Type.String(), Type.Null()]),
      members: Type.Integer(),
    }),
  ),
  finishing: Type.Integer({ description: 'Runs that finish on the version they started on.' }),
});

function playbookParam(c: AppContext): string {
  const id = c.req.param('playbook') ?? '';
  if (!ID.test(id)) throw notFound(`Playbook '${id.slice(0, 64)}'`);
  return id;
}

/** Drafts with optimistic revisions, publishing, versions, rollback and diffs. */
export function playbookRoutes(deps: ServerDeps, ctx: RouteContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const svc = ctx.playbooks;

  const draftOf = async (tenant: string, id: string): Promise<PlaybookDraft> => {
    const d = await deps.control.getPlaybook(tenant, id);
    if (!d) throw notFound(`Playbook '${id}'`);
    return d;
  };

  const full = async (agency: string, d: PlaybookDraft) => {
    const [result, versions] = await Promise.all([
      svc.validate(agency, draftFile(d.tenant, d.id), d.source),
      deps.control.listVersions(d.tenant, d.id),
    ]);
    return {
      id: d.id,
      source: d.source,
      revision: d.revision,
      diagnostics: publicDiagnostics(result.diagnostics),
      publishedVersion: d.publishedVersion,
      live: svc.live(d.tenant)?.playbook === d.id,
      template: d.template,
      versions: versions.map((v) => ({ version: v.version, publishedAt: iso(v.publishedAt), by: v.by })),
      createdAt: iso(d.createdAt),
      updatedAt: iso(d.updatedAt),
    };
  };

  describeRoute({
    method: 'GET',
    path: BASE,
    summary: 'Playbooks of the tenant',
    tags: ['playbooks'],
    role: 'viewer',
    response: Type.Object({ items: Type.Array(Summary) }),
  });
  app.get('/playbooks', async (c) => {
    const t = await tenantAccess(c, deps, 'read');
    const live = svc.live(t.id)?.playbook;
    const items = [];
    for (const d of await deps.control.listPlaybooks(t.id)) {
      const r = await svc.validate(t.agency, draftFile(t.id, d.id), d.source);
      const name = (r.playbook as { name?: unknown } | undefined)?.name ?? nameOf(d.source);
      items.push({
        id: d.id,
        name: typeof name === 'string' ? name : d.id,
        revision: d.revision,
        publishedVersion: d.publishedVersion,
        live: live === d.id,
        updatedAt: iso(d.updatedAt),
        errors: errorsOf(r.diagnostics),
        warnings: warningsOf(r.diagnostics),
      });
    }
    return c.json({ items });
  });

  describeRoute({
    method: 'POST',
    path: BASE,
    summary:
      'Create a playbook from a source, or instantiate a template with params (`{ id, template, params }`)',
    tags: ['playbooks'],
    role: 'editor',
    body: CreateBody,
    response: Playbook,
    status: 201,
  });
  app.post('/playbooks', async (c) => {
    const t = await tenantAccess(c, deps, 'write');
    const body = await readJson(c, CreateBody);
    let source: string;
    let template: PlaybookDraft['template'] = null;
    if (body.source !== undefined && body.template !== undefined) {
      throw new ProblemError(
        422,
        'invalid-body',
        'Send either `source` or `template` (with `params`), not both.',
        [{ path: '/template', message: 'not allowed with source' }],
      );
    }
    if (body.template !== undefined) {
      const info = await svc.template(t.agency, body.template);
      if (!info)
        throw new ProblemError(
          422,
          'unknown-template',
          `There is no template '${body.template}'; GET /api/v1/templates lists them.`,
          [{ path: '/template', message: 'no such template' }],
        );
      const params = body.params ?? {};
      const unknown = Object.keys(params).filter((k) => !(k in info.params));
      if (unknown.length > 0) {
        throw new ProblemError(
          422,
          'unknown-param',
          `Template '${info.id}' has no parameter ${unknown.map((k) => `'${k}'`).join(', ')}.`,
          unknown.map((k) => ({
            path: `/params/${k}`,
            message: `not a parameter of ${info.id}; it has ${Object.keys(info.params).join(', ')}`,
          })),
        );
      }
      source = svc.instantiate(info, body.id, params);
      template = { id: info.id, params };
    } else if (body.source !== undefined) {
      source = body.source;
    } else {
      throw new ProblemError(422, 'invalid-body', 'Send `source` (YAML) or `template` with `params`.', [
        { path: '/source', message: 'is required when template is absent' },
      ]);
    }
    const made = await deps.control.createPlaybook(t.id, body.id, source, template);
    if (!made.ok)
      throw new ProblemError(409, 'exists', `A playbook '${body.id}' already exists; PUT it to change it.`, [
        { path: '/id', message: 'is taken' },
      ]);
    return c.json(await full(t.agency, made.draft), 201);
  });

  describeRoute({
    method: 'GET',
    path: `${BASE}/:playbook`,
    summary: 'A playbook draft with its diagnostics and versions',
    tags: ['playbooks'],
    role: 'viewer',
    response: Playbook,
  });
  app.get('/playbooks/:playbook', async (c) => {
    const t = await tenantAccess(c, deps, 'read');
    return c.json(await full(t.agency, await draftOf(t.id, playbookParam(c))));
  });

  describeRoute({
    method: 'PUT',
    path: `${BASE}/:playbook`,
    summary: 'Save a new revision (saved even with diagnostics; 409 if `revision` is not the current one)',
    tags: ['playbooks'],
    role: 'editor',
    body: SaveBody,
    response: Playbook,
  });
  app.put('/playbooks/:playbook', async (c) => {
    const t = await tenantAccess(c, deps, 'write');
    const id = playbookParam(c);
    const body = await readJson(c, SaveBody);
    const saved = await deps.control.savePlaybook(t.id, id, body.source, body.revision);
    if (!saved.ok) {
      if (saved.reason === 'missing') throw notFound(`Playbook '${id}'`);
      throw new ProblemError(
        409,
        'revision-conflict',
        `The playbook is at revision ${saved.current}, not ${body.revision}: someone saved it meanwhile. Reload, merge, and save again.`,
        [{ path: '/revision', message: `is ${saved.current} now` }],
        { extra: { currentRevision: saved.current } },
      );
    }
    return c.json(await full(t.agency, saved.draft));
  });

  describeRoute({
    method: 'DELETE',
    path: `${BASE}/:playbook`,
    summary: 'Delete a playbook (409 while members are mid-journey on it)',
    tags: ['playbooks'],
    role: 'editor',
    status: 204,
  });
  app.delete('/playbooks/:playbook', async (c) => {
    const t = await tenantAccess(c, deps, 'write');
    const id = playbookParam(c);
    await draftOf(t.id, id);
    await svc.exclusive(t.id, async () => {
      if (await svc.hasRunsInProgress(t.id, id)) {
        throw new ProblemError(
          409,
          'runs-in-progress',
          `Members are mid-journey on '${id}'; publish another playbook and let them finish first.`,
        );
      }
      await deps.control.deletePlaybook(t.id, id);
    });
    return c.body(null, 204);
  });

  describeRoute({
    method: 'POST',
    path: `${BASE}/:playbook/publish/preview`,
    summary: 'What publishing the draft would do to members mid-journey',
    tags: ['playbooks'],
    role: 'viewer',
    response: Preview,
  });
  app.post('/playbooks/:playbook/publish/preview', async (c) => {
    const t = await tenantAccess(c, deps, 'read');
    const d = await draftOf(t.id, playbookParam(c));
    const { next, preview } = await svc.preview(t.agency, t.id, d.id, d.source);
    return c.json({
      version: next,
      moves: preview.moves.map((m) => ({ journey: m.journey, from: m.from, to: m.to, members: m.count })),
      finishing: preview.stays.reduce((n, s) => n + s.count, 0),
    });
  });

  describeRoute({
    method: 'POST',
    path: `${BASE}/:playbook/publish`,
    summary: 'Publish the draft as the next version (422 with diagnostics when it has errors)',
    tags: ['playbooks'],
    role: 'editor',
    body: PublishBody,
    response: Type.Object({ version: Type.Integer(), migrated: Type.Integer() }),
  });
  app.post('/playbooks/:playbook/publish', async (c) => {
    const t = await tenantAccess(c, deps, 'write');
    const body = await readJson(c, PublishBody);
    const d = await draftOf(t.id, playbookParam(c));
    if (d.revision !== body.revision) {
      throw new ProblemError(
        409,
        'revision-conflict',
        `The draft is at revision ${d.revision}, not ${body.revision}; review the latest draft before publishing it.`,
        [{ path: '/revision', message: `is ${d.revision} now` }],
        { extra: { currentRevision: d.revision } },
      );
    }
    const out = await svc.publish(t.agency, t.id, d.id, d.source, principalOf(c).name);
    return c.json({ version: out.version, migrated: out.migrated });
  });

  describeRoute({
    method: 'GET',
    path: `${BASE}/:playbook/versions`,
    summary: 'Published versions',
    tags: ['playbooks'],
    role: 'viewer',
    response: Type.Object({ items: Type.Array(VersionInfo) }),
  });
  app.get('/playbooks/:playbook/versions', async (c) => {
    const t = await tenantAccess(c, deps, 'read');
    const d = await draftOf(t.id, playbookParam(c));
    const list = await deps.control.listVersions(t.id, d.id);
    return c.json({
      items: list.map((v) => ({ version: v.version, publishedAt: iso(v.publishedAt), by: v.by })),
    });
  });

  describeRoute({
    method: 'GET',
    path: `${BASE}/:playbook/versions/:version`,
    summary: 'One published version with its exact source and plugin versions',
    tags: ['playbooks'],
    role: 'viewer',
    response: Type.Object({
      version: Type.Integer(),
      source: Type.String(),
      publishedAt: Iso('When.'),
      by: Type.String(),
      plugins: Type.Record(Type.String(), Type.String()),
    }),
  });
  app.get('/playbooks/:playbook/versions/:version', async (c) => {
    const t = await tenantAccess(c, deps, 'read');
    const d = await draftOf(t.id, playbookParam(c));
    const n = versionParam(c.req.param('version'));
    const v = n === undefined ? undefined : await deps.control.getVersion(t.id, d.id, n);
    if (!v) throw notFound(`Version '${c.req.param('version').slice(0, 20)}' of '${d.id}'`);
    return c.json({
      version: v.version,
      source: v.source,
      publishedAt: iso(v.publishedAt),
      by: v.by,
      plugins: v.plugins,
    });
  });

  describeRoute({
    method: 'POST',
    path: `${BASE}/:playbook/rollback`,
    summary: 'Publish an earlier version’s source again, as a new version (the draft is left as it is)',
    tags: ['playbooks'],
    role: 'editor',
    body: RollbackBody,
    response: Type.Object({ version: Type.Integer(), migrated: Type.Integer(), from: Type.Integer() }),
  });
  app.post('/playbooks/:playbook/rollback', async (c) => {
    const t = await tenantAccess(c, deps, 'write');
    const body = await readJson(c, RollbackBody);
    const d = await draftOf(t.id, playbookParam(c));
    const v = await deps.control.getVersion(t.id, d.id, body.version);
    if (!v)
      throw new ProblemError(422, 'unknown-version', `'${d.id}' has no version ${body.version}.`, [
        { path: '/version', message: 'no such version' },
      ]);
    const out = await svc.publish(t.agency, t.id, d.id, v.source, principalOf(c).name);
    return c.json({ version: out.version, migrated: out.migrated, from: v.version });
  });

  describeRoute({
    method: 'GET',
    path: `${BASE}/:playbook/diff`,
    summary:
      'Differences between two versions, or a version and the draft (unified text and structural changes)',
    tags: ['playbooks'],
    role: 'viewer',
    query: DiffQuery,
    response: Type.Object({
      from: Type.String(),
      to: Type.String(),
      unified: Type.String(),
      changes: Type.Array(
        Type.Object({
          path: Type.String(),
          kind: Type.String(),
          before: Type.Optional(Type.Unknown()),
          after: Type.Optional(Type.Unknown()),
        }),
      ),
    }),
  });
  app.get('/playbooks/:playbook/diff', async (c) => {
    const t = await tenantAccess(c, deps, 'read');
    const q = readQuery<Static<typeof DiffQuery>>(c, DiffQuery);
    const d = await draftOf(t.id, playbookParam(c));
    const from = q.from ?? (d.publishedVersion === null ? undefined : String(d.publishedVersion));
    if (from === undefined) {
      throw new ProblemError(
        400,
        'invalid-query',
        `'${d.id}' has no published version to compare with; give ?from=.`,
        [{ path: '/query/from', message: 'is required before a first publish' }],
      );
    }
    const to = q.to ?? 'draft';
    const sourceOf = async (which: string, name: string): Promise<string> => {
      if (which === 'draft') return d.source;
      const v = await deps.control.getVersion(t.id, d.id, Number(which));
      if (!v)
        throw new ProblemError(400, 'invalid-query', `'${d.id}' has no version ${which}.`, [
          { path: `/query/${name}`, message: 'no such version' },
        ]);
      return v.source;
    };
    const [a, b] = await Promise.all([sourceOf(from, 'from'), sourceOf(to, 'to')]);
    return c.json({
      from,
      to,
      unified: unifiedDiff(a, b, `${d.id}@${from}`, `${d.id}@${to}`),
      changes: structuralDiff(parseOrNull(a), parseOrNull(b)),
    });
  });

  return app;
}

function versionParam(v: string): number | undefined {
  return /^[1-9][0-9]{0,8}$/.test(v) ? Number(v) : undefined;
}

function parseOrNull(text: string): unknown {
  try {
    return parse(text, { maxAliasCount: 100 }) ?? null;
  } catch {
    return null;
  }
}

function nameOf(source: string): unknown {
  return (parseOrNull(source) as { name?: unknown } | null)?.name;
}
