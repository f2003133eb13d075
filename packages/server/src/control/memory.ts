import { hashToken, newId, newTokenSecret, type SecretBox } from './secret-box.js';
import type {
  Agency,
  AgencyTemplate,
  ControlStore,
  NewToken,
  PlaybookDraft,
  PlaybookVersion,
  SaveResult,
  SecretInfo,
  Tenant,
  TokenRecord,
} from './types.js';

const key = (...parts: string[]) => parts.join('\u0000');

/** The control store in memory: tests and throwaway runs. Secrets are sealed as in SQL. */
export class MemoryControlStore implements ControlStore {
  private readonly agencies = new Map<string, Agency>();
  private readonly tenants = new Map<string, Tenant>();
  private readonly tokens = new Map<string, TokenRecord & { hash: string }>();
  private readonly drafts = new Map<string, PlaybookDraft>();
  private readonly versions = new Map<string, PlaybookVersion[]>();
  private readonly templates = new Map<string, AgencyTemplate>();
  private readonly secrets = new Map<string, { sealed: string; updatedAt: number }>();

  constructor(
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  async createAgency(a: { id: string; name: string }): Promise<Agency | 'exists'> {
    if (this.agencies.has(a.id)) return 'exists';
    const agency = { ...a, createdAt: this.now() };
    this.agencies.set(a.id, agency);
    return { ...agency };
  }

  async getAgency(id: string): Promise<Agency | undefined> {
    const a = this.agencies.get(id);
    return a && { ...a };
  }

  async createTenant(t: { id: string; name: string; agency: string }): Promise<Tenant | 'exists'> {
    if (this.tenants.has(t.id)) return 'exists';
    const tenant = { ...t, createdAt: this.now() };
    this.tenants.set(t.id, tenant);
    return { ...tenant };
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const t = this.tenants.get(id);
    return t && { ...t };
  }

  async listTenants(agency: string): Promise<Tenant[]> {
    return [...this.tenants.values()]
      .filter((t) => t.agency === agency)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((t) => ({ ...t }));
  }

  async createToken(t: NewToken): Promise<{ record: TokenRecord; secret: string }> {
    const secret = newTokenSecret();
    const record: TokenRecord = { id: newId('tok'), ...t, createdAt: this.now() };
    this.tokens.set(record.id, { ...record, hash: hashToken(secret) });
    return { record: { ...record }, secret };
  }

  async findToken(secret: string): Promise<TokenRecord | undefined> {
    const hash = hashToken(secret);
    for (const t of this.tokens.values()) {
      if (t.hash === hash) {
        const { hash: _, ...record } = t;
        return record;
      }
    }
    return undefined;
  }

  async listTokens(agency: string, tenant: string | null): Promise<TokenRecord[]> {
    return [...this.tokens.values()]
      .filter((t) => t.agency === agency && t.tenant === tenant)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map(({ hash: _, ...record }) => record);
  }

  async deleteToken(id: string): Promise<boolean> {
    return this.tokens.delete(id);
  }

  async listPlaybooks(tenant: string): Promise<PlaybookDraft[]> {
    return [...this.drafts.values()]
      .filter((d) => d.tenant === tenant)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((d) => structuredClone(d));
  }

  async getPlaybook(tenant: string, id: string): Promise<PlaybookDraft | undefined> {
    const d = this.drafts.get(key(tenant, id));
    return d && structuredClone(d);
  }

  async createPlaybook(
    tenant: string,
    id: string,
    source: string,
    template: PlaybookDraft['template'] = null,
  ): Promise<SaveResult> {
    const k = key(tenant, id);
    if (this.drafts.has(k)) return { ok: false, reason: 'exists' };
    const at = this.now();
    const draft: PlaybookDraft = {
      id,
      tenant,
      source,
      revision: 1,
      template: template && structuredClone(template),
      createdAt: at,
      updatedAt: at,
      publishedVersion: null,
    };
    this.drafts.set(k, draft);
    return { ok: true, draft: structuredClone(draft) };
  }

  async savePlaybook(tenant: string, id: string, source: string, baseRevision: number): Promise<SaveResult> {
    const d = this.drafts.get(key(tenant, id));
    if (!d) return { ok: false, reason: 'missing' };
    if (d.revision !== baseRevision) return { ok: false, reason: 'conflict', current: d.revision };
    d.source = source;
    d.revision++;
    d.updatedAt = this.now();
    return { ok: true, draft: structuredClone(d) };
  }

  async deletePlaybook(tenant: string, id: string): Promise<boolean> {
    this.versions.delete(key(tenant, id));
    return this.drafts.delete(key(tenant, id));
  }

  async addVersion(v: Omit<PlaybookVersion, 'version'>): Promise<PlaybookVersion> {
    const k = key(v.tenant, v.playbook);
    const list = this.versions.get(k) ?? [];
    const version: PlaybookVersion = { ...structuredClone(v), version: list.length + 1 };
    list.push(version);
    this.versions.set(k, list);
    const d = this.drafts.get(k);
    if (d) d.publishedVersion = version.version;
    return structuredClone(version);
  }

  async listVersions(tenant: string, playbook: string): Promise<PlaybookVersion[]> {
    return structuredClone(this.versions.get(key(tenant, playbook)) ?? []);
  }

  async getVersion(tenant: string, playbook: string, version: number): Promise<PlaybookVersion | undefined> {
    const v = this.versions.get(key(tenant, playbook))?.find((x) => x.version === version);
    return v && structuredClone(v);
  }

  async putTemplate(agency: string, id: string, source: string): Promise<AgencyTemplate> {
    const t = { id, agency, source, updatedAt: this.now() };
    this.templates.set(key(agency, id), t);
    return { ...t };
  }

  async getTemplate(agency: string, id: string): Promise<AgencyTemplate | undefined> {
    const t = this.templates.get(key(agency, id));
    return t && { ...t };
  }

  async listTemplates(agency: string): Promise<AgencyTemplate[]> {
    return [...this.templates.values()]
      .filter((t) => t.agency === agency)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((t) => ({ ...t }));
  }

  async putSecret(tenant: string, name: string, value: string): Promise<void> {
    this.secrets.set(key(tenant, name), { sealed: this.box.seal(value), updatedAt: this.now() });
  }

  async deleteSecret(tenant: string, name: string): Promise<boolean> {
    return this.secrets.delete(key(tenant, name));
  }

  async listSecrets(tenant: string): Promise<SecretInfo[]> {
    const out: SecretInfo[] = [];
    for (const [k, s] of this.secrets) {
      const [t, name] = k.split('\u0000');
      if (t === tenant && name !== undefined) out.push({ name, updatedAt: s.updatedAt });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async readSecrets(tenant: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [k, s] of this.secrets) {
      const [t, name] = k.split('\u0000');
      if (t === tenant && name !== undefined) out[name] = this.box.open(s.sealed);
    }
    return out;
  }

  async close(): Promise<void> {}
}
