import { type Static, Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { notFound, principalOf, requireAgencyAdmin } from '../auth/access.js';
import type { AppContext, AppEnv, ServerDeps } from '../contract.js';
import type { PlaybookDraft } from '../control/types.js';
import { readJson } from '../http/body.js';
import { ProblemError } from '../http/problem.js';
import { describeRoute } from '../openapi/registry.js';
import { structuralDiff } from '../playbooks/diff.js';
import { draftFile } from '../playbooks/host.js';
import { errorsOf, publicDiagnostics } from '../playbooks/service.js';
import type { TemplateInfo } from '../playbooks/templates.js';
import type { RouteContext } from './context.js';
import { Diagnostic, Id, Source } from './schemas.js';

const BASE = '/api/v1/templates';
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const Template = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown(), { description: 'Each parameter as JSON Schema.' }),
  source: Type.String(),
  origin: Type.Union([Type.Literal('builtin'), Type.Literal('agency')]),
});
const PutBody = Type.Object({ source: Source }, { additionalProperties: false });
const PreviewBody = Type.Object(
  {
    tenants: Type.Optional(Type.Array(Id('A tenant of the agency.'), { maxItems: 1000, uniqueItems: true })),
  },
  { additionalProperties: false },
);
const RolloutBody = Type.Object(
  { tenants: Type.Array(Id('A tenant of the agency.'), { minItems: 1, maxItems: 1000, uniqueItems: true }) },
  { additionalProperties: false },
);
const PreviewItem = Type.Object({
  tenant: Type.String(),
  playbook: Type.String(),
  diff: Type.Array(
    Type.Object({
      path: Type.String(),
      kind: Type.String(),
      before: Type.Optional(Type.Unknown()),
      after: Type.Optional(Type.Unknown()),
    }),
  ),
  touched: Type.Record(Type.String(), Type.Integer(), {
    description: '`journey/step` → members on that step of a changed journey.',
  }),
  membersMidJourney: Type.Integer(),
  diagnostics: Type.Array(Diagnostic),
});

const templateJson = (t: TemplateInfo) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  params: t.params,
  source: t.source,
  origin: t.origin,
});

function templateParam(c: AppContext): string {
  const id = c.req.param('template') ?? '';
  if (!ID.test(id)) throw notFound(`Template '${id.slice(0, 64)}'`);
  return id;
}

/** Journeys by id (anywhere under `stages`), as JSON: what changed between two resolved playbooks. */
function journeys(playbook: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.journey === 'string' && Array.isArray(o.steps)) out.set(o.journey, JSON.stringify(o));
      else Object.values(o).forEach(walk);
    }
  };
  walk((playbook as { stages?: unknown } | null)?.stages);
  return out;
}

/** Built-in and agency templates; the agency's own are written here and rolled out to its clients. */
export function templateRoutes(deps: ServerDeps, ctx: RouteContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const svc = ctx.playbooks;

  /** The agency's playbooks instantiated from a template, in the named tenants (or all). */
  const instancesOf = async (agency: string, template: string, tenants: string[] | undefined) => {
    const all = await deps.control.listTenants(agency);
    const known = new Set(all.map((t) => t.id));
    const unknown = (tenants ?? []).filter((t) => !known.has(t));
    if (unknown.length > 0) {
      throw new ProblemError(
        422,
        'unknown-tenant',
        `Not tenants of this agency: ${unknown.join(', ')}.`,
        unknown.map((t) => ({ path: `/tenants/${(tenants ?? []).indexOf(t)}`, message: 'no such tenant' })),
      );
    }
    const chosen = tenants ?? all.map((t) => t.id);
    const out: PlaybookDraft[] = [];
    for (const tenant of chosen) {
      for (const d of await deps.control.listPlaybooks(tenant)) if (d.template?.id === template) out.push(d);
    }
    return out;
  };

  describeRoute({
    method: 'GET',
    path: BASE,
    summary: 'Templates: built-in, then the agency’s own',
    tags: ['templates'],
    role: 'any',
    response: Type.Object({ items: Type.Array(Template) }),
  });
  app.get('/templates', async (c) => {
    const p = principalOf(c);
    return c.json({ items: (await svc.templates(p.agency)).map(templateJson) });
  });

  describeRoute({
    method: 'GET',
    path: `${BASE}/:template`,
    summary: 'One template',
    tags: ['templates'],
    role: 'any',
    response: Template,
  });
  app.get('/templates/:template', async (c) => {
    const p = principalOf(c);
    const t = await svc.template(p.agency, templateParam(c));
    if (!t) throw notFound(`Template '${c.req.param('template')}'`);
    return c.json(templateJson(t));
  });

  describeRoute({
    method: 'PUT',
    path: `${BASE}/:template`,
    summary:
      'Write the agency’s template (422 with diagnostics when invalid); roll it out to clients separately',
    tags: ['templates'],
    role: 'agency-admin',
    body: PutBody,
    response: Template,
  });
  app.put('/templates/:template', async (c) => {
    const p = requireAgencyAdmin(c);
    const id = templateParam(c);
    const body = await readJson(c, PutBody);
    const result = await svc.validate(p.agency, `agency-templates/${id}.yaml`, body.source);
    const diagnostics = publicDiagnostics(result.diagnostics);
    if (errorsOf(diagnostics) > 0) {
      throw new ProblemError(
        422,
        'invalid-playbook',
        `The template has ${errorsOf(diagnostics)} error(s).`,
        undefined,
        { extra: { diagnostics } },
      );
    }
    const saved = await deps.control.putTemplate(p.agency, id, body.source);
    const info = (await svc.template(p.agency, saved.id)) as TemplateInfo;
    return c.json(templateJson(info));
  });

  describeRoute({
    method: 'POST',
    path: `${BASE}/:template/rollout/preview`,
    summary:
      'Per client playbook built on this template: the resolved diff and the members mid-journey it touches',
    tags: ['templates'],
    role: 'agency-admin',
    body: PreviewBody,
    response: Type.Object({ items: Type.Array(PreviewItem) }),
  });
  app.post('/templates/:template/rollout/preview', async (c) => {
    const p = requireAgencyAdmin(c);
    const id = templateParam(c);
    const body = await readJson<Static<typeof PreviewBody>>(c, PreviewBody);
    const items = [];
    for (const d of await instancesOf(p.agency, id, body.tenants)) {
      const result = await svc.validate(p.agency, draftFile(d.tenant, d.id), d.source);
      const diagnostics = publicDiagnostics(result.diagnostics);
      const before =
        d.publishedVersion === null
          ? undefined
          : await svc.publishedResolved(d.tenant, d.id, d.publishedVersion);
      const after = result.playbook ?? null;
      const touched: Record<string, number> = {};
      let membersMidJourney = 0;
      if (after !== null && svc.live(d.tenant)?.playbook === d.id) {
        const { preview } = await svc.preview(p.agency, d.tenant, d.id, d.source);
        const old = journeys(before?.playbook ?? null);
        const now = journeys(after);
        const changed = (j: string) => old.get(j) !== now.get(j);
        for (const m of preview.moves) {
          membersMidJourney += m.count;
          if (changed(m.journey))
            touched[`${m.journey}/${m.from}`] = (touched[`${m.journey}/${m.from}`] ?? 0) + m.count;
        }
        for (const s of preview.stays) {
          membersMidJourney += s.count;
          const key = `${s.journey}/${s.step ?? '(start)'}`;
          if (changed(s.journey)) touched[key] = (touched[key] ?? 0) + s.count;
        }
      }
      items.push({
        tenant: d.tenant,
        playbook: d.id,
        diff: structuralDiff(before?.playbook ?? null, after),
        touched,
        membersMidJourney,
        diagnostics,
      });
    }
    return c.json({ items });
  });

  describeRoute({
    method: 'POST',
    path: `${BASE}/:template/rollout`,
    summary: 'Publish every playbook built on this template in the named tenants (each with its own params)',
    tags: ['templates'],
    role: 'agency-admin',
    body: RolloutBody,
    response: Type.Object({
      items: Type.Array(
        Type.Object({
          tenant: Type.String(),
          playbook: Type.String(),
          version: Type.Union([Type.Integer(), Type.Null()]),
          error: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String() })),
        }),
      ),
    }),
  });
  app.post('/templates/:template/rollout', async (c) => {
    const p = requireAgencyAdmin(c);
    const id = templateParam(c);
    const body = await readJson<Static<typeof RolloutBody>>(c, RolloutBody);
    const items = [];
    // one client's broken playbook must not stop the others: each reports its own outcome
    for (const d of await instancesOf(p.agency, id, body.tenants)) {
      try {
        const out = await svc.publish(p.agency, d.tenant, d.id, d.source, p.name);
        items.push({ tenant: d.tenant, playbook: d.id, version: out.version });
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        items.push({
          tenant: d.tenant,
          playbook: d.id,
          version: null,
          error: { code: error.code, detail: error.detail },
        });
      }
    }
    return c.json({ items });
  });

  return app;
}
