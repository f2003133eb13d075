import { createHash } from 'node:crypto';
import { pluginCatalogue } from '@kith/catalogue';
import type { PublishedVersion } from '@kith/engine';
import { type Diagnostic, type ValidateResult, validatePlaybookText } from '@kith/playbook';
import { Document, isMap, parseDocument } from 'yaml';
import type { ServerDeps } from '../contract.js';
import { type PluginHost, resolveVersions } from '../host/plugins.js';
import { ProblemError } from '../http/problem.js';
import { draftFile, serverPlaybookHost } from './host.js';
import {
  AGENCY_PREFIX,
  BUILTIN_PREFIX,
  builtinTemplates,
  builtinTemplatesDir,
  type TemplateInfo,
  templateInfo,
} from './templates.js';

type ResolvedPlaybook = NonNullable<ValidateResult['playbook']>;

const VALIDATION_CACHE = 256;

/** The engine's version id of a control-plane version: one engine playbook per tenant, named by draft. */
export const engineVersion = (playbook: string, version: number) => `${playbook}@${version}`;

export function parseEngineVersion(v: string): { playbook: string; version: number } | undefined {
  const at = v.lastIndexOf('@');
  const n = Number(v.slice(at + 1));
  return at > 0 && Number.isInteger(n) ? { playbook: v.slice(0, at), version: n } : undefined;
}

/** Diagnostics as the API shows them: built-in template files by package name, not server paths. */
export function publicDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const dir = builtinTemplatesDir();
  return ds.map((d) =>
    d.file.startsWith(dir) ? { ...d, file: `@kith/templates${d.file.slice(dir.length)}` } : d,
  );
}

export const errorsOf = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error').length;
export const warningsOf = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'warning').length;

export interface PublishOutcome {
  version: number;
  migrated: number;
  moves: { journey: string; from: string; to: string | null; count: number }[];
}

/**
 * Playbook work shared by the routes and the demo seed: validation with the server's template
 * host and the installed plugins, template instantiation, publish (one at a time per tenant).
 */
export class PlaybookService {
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Recently validated sources, least recently used first. */
  private readonly validated = new Map<string, ValidateResult>();

  constructor(
    private readonly deps: ServerDeps,
    private readonly plugins: PluginHost,
  ) {}

  /** Serialises publishes (and deletes) of one tenant: versions are numbered in turn. */
  exclusive<T>(tenant: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(tenant) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.locks.set(tenant, tail);
    void tail.then(() => {
      if (this.locks.get(tenant) === tail) this.locks.delete(tenant);
    });
    return next;
  }

  async agencyTemplates(agency: string): Promise<Map<string, string>> {
    const list = await this.deps.control.listTemplates(agency);
    return new Map(list.map((t) => [t.id, t.source]));
  }

  /**
   * Validates a source. Listing a tenant's playbooks validates every draft, so results are kept
   * (by source, file and the agency's templates) for reading; `fresh` skips the cache for a
   * publish, whose resolved playbook is handed to the engine.
   */
  async validate(agency: string, file: string, source: string, fresh = false): Promise<ValidateResult> {
    const templates = await this.agencyTemplates(agency);
    const key = createHash('sha256')
      .update([file, source, ...[...templates].flat()].join('\u0000'))
      .digest('hex');
    const hit = fresh ? undefined : this.validated.get(key);
    if (hit) {
      this.validated.delete(key);
      this.validated.set(key, hit);
      return hit;
    }
    const result = validatePlaybookText(source, file, {
      host: serverPlaybookHost(templates),
      plugins: pluginCatalogue(this.plugins.plugins),
    });
    this.validated.set(key, result);
    if (this.validated.size > VALIDATION_CACHE)
      this.validated.delete(this.validated.keys().next().value as string);
    return result;
  }

  /** Built-in templates, then the agency's own (an agency template may shadow a built-in id). */
  async templates(agency: string): Promise<TemplateInfo[]> {
    const out = new Map(builtinTemplates());
    for (const t of await this.deps.control.listTemplates(agency)) {
      const info = templateInfo(t.id, t.source, 'agency');
      if (info) out.set(t.id, info);
    }
    return [...out.values()];
  }

  async template(agency: string, id: string): Promise<TemplateInfo | undefined> {
    const own = await this.deps.control.getTemplate(agency, id);
    if (own) return templateInfo(own.id, own.source, 'agency');
    return builtinTemplates().get(id);
  }

  /**
   * The source of a playbook built on a template: `extends` with the client's params, so a new
   * version of the template reaches it on the next publish (a rollout).
   */
  instantiate(
    template: TemplateInfo,
    id: string,
    params: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): string {
    const from =
      template.origin === 'agency' ? `${AGENCY_PREFIX}${template.id}` : `${BUILTIN_PREFIX}${template.id}`;
    const doc = new Document({
      kith: 1,
      id,
      name: template.name,
      extends: Object.keys(params).length > 0 ? { from, params } : { from },
      ...extra,
    });
    doc.commentBefore = ` Built on the template ${from}; values here win over the template's.`;
    return doc.toString({ lineWidth: 0 });
  }

  /** The tenant's live engine version and which draft it belongs to. */
  live(tenant: string): { playbook: string; version: number } | undefined {
    try {
      return parseEngineVersion(this.deps.engine.runtime.kernel(tenant).current.version);
    } catch {
      return undefined;
    }
  }

  /** The resolved playbook the engine runs for a control version, if it was published. */
  async publishedResolved(
    tenant: string,
    playbook: string,
    version: number,
  ): Promise<PublishedVersion | undefined> {
    const all = await this.deps.engine.store.listPublished(tenant);
    return all.find((v) => v.version === engineVersion(playbook, version));
  }

  /** Validates and resolves a source for publishing, or throws 422 with the diagnostics. */
  async resolveForPublish(
    agency: string,
    tenant: string,
    playbook: string,
    source: string,
  ): Promise<{ result: ValidateResult; playbook: ResolvedPlaybook; versions: Record<string, string> }> {
    const result = await this.validate(agency, draftFile(tenant, playbook), source, true);
    const diagnostics = publicDiagnostics(result.diagnostics);
    if (!result.playbook) {
      throw new ProblemError(
        422,
        'invalid-playbook',
        `The playbook has ${errorsOf(diagnostics)} error(s); fix them before publishing.`,
        undefined,
        {
          extra: { diagnostics },
        },
      );
    }
    if (result.playbook.id !== playbook) {
      throw new ProblemError(
        422,
        'id-mismatch',
        `The playbook's \`id\` is '${result.playbook.id}' but it is saved as '${playbook}'; make them the same.`,
        [{ path: '/source', message: `id must be '${playbook}'` }],
      );
    }
    const versions = resolveVersions(result.playbook, this.plugins.plugins);
    if (!versions.ok) {
      throw new ProblemError(
        422,
        'plugin-unavailable',
        'A plugin this playbook uses is not installed in a matching version.',
        versions.errors,
        {
          extra: { diagnostics },
        },
      );
    }
    return { result, playbook: result.playbook, versions: versions.versions };
  }

  /** What publishing `source` would do to runs in progress. */
  async preview(agency: string, tenant: string, playbook: string, source: string) {
    const r = await this.resolveForPublish(agency, tenant, playbook, source);
    const versions = await this.deps.control.listVersions(tenant, playbook);
    const next = (versions.at(-1)?.version ?? 0) + 1;
    const preview = await this.deps.engine.runtime.preview(tenant, r.playbook, {
      version: engineVersion(playbook, next),
      params: r.result.params,
      plugins: r.versions,
    });
    return { next, preview, resolved: r.playbook };
  }

  /**
   * Publishes a source as the next version of a draft: validated, `use:` pinned to exact plugin
   * versions, handed to the runtime (which migrates runs in progress), then recorded.
   */
  publish(
    agency: string,
    tenant: string,
    playbook: string,
    source: string,
    by: string,
  ): Promise<PublishOutcome> {
    return this.exclusive(tenant, async () => {
      const r = await this.resolveForPublish(agency, tenant, playbook, source);
      const versions = await this.deps.control.listVersions(tenant, playbook);
      const next = (versions.at(-1)?.version ?? 0) + 1;
      const report = await this.deps.engine.runtime.publish(tenant, r.playbook, {
        version: engineVersion(playbook, next),
        params: r.result.params,
        plugins: r.versions,
      });
      const recorded = await this.deps.control.addVersion({
        tenant,
        playbook,
        source,
        plugins: r.versions,
        by,
        publishedAt: this.deps.now(),
      });
      this.plugins.invalidate(tenant);
      this.deps.activity.publish({
        tenant,
        at: this.deps.now(),
        kind: 'publish',
        detail: engineVersion(playbook, recorded.version),
      });
      this.deps.log.log('info', 'playbook published', {
        tenant,
        playbook,
        version: recorded.version,
        migrated: report.migrated,
        by,
      });
      return { version: recorded.version, migrated: report.migrated, moves: report.moves };
    });
  }

  /** Whether a live run is on any version of this playbook (a delete would strand it). */
  async hasRunsInProgress(tenant: string, playbook: string): Promise<boolean> {
    const prefix = `${playbook}@`;
    for await (const id of this.deps.engine.store.memberIds(tenant)) {
      const state = await this.deps.engine.store.loadMember(tenant, id);
      for (const inst of state?.instances ?? []) {
        const live = inst.status === 'active' || inst.status === 'waiting' || inst.status === 'calling';
        if (live && inst.version.startsWith(prefix)) return true;
      }
    }
    return false;
  }
}

/**
 * A standalone copy of a template whose channels and payments all go to the sandbox plugins (the
 * demo tenant runs with no credentials and no network). Comments and layout of the template are
 * kept; only `id` and the `channels`/`payments` entries change.
 */
export function sandboxCopy(template: TemplateInfo, id: string): string {
  const doc = parseDocument(template.source);
  doc.setIn(['id'], id);
  const channels = doc.get('channels');
  if (isMap(channels)) {
    for (const item of channels.items) {
      doc.setIn(
        ['channels', String((item.key as { value?: unknown }).value ?? item.key)],
        doc.createNode({ use: 'sandbox@^1' }),
      );
    }
  }
  const payments = doc.get('payments');
  if (isMap(payments)) {
    for (const item of payments.items) {
      doc.setIn(
        ['payments', String((item.key as { value?: unknown }).value ?? item.key)],
        doc.createNode({
          use: 'payment-sandbox@^1',
          with: { webhookSecret: '${secrets.SANDBOX_WEBHOOK_SECRET}' },
        }),
      );
    }
    doc.setIn(
      ['secrets', 'SANDBOX_WEBHOOK_SECRET'],
      doc.createNode({ description: 'Signs the payment sandbox webhooks (Standard Webhooks whsec_…)' }),
    );
  }
  return doc.toString({ lineWidth: 0 });
}
