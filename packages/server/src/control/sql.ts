import { migrate, type Sql, type SqlRunner } from '@kith/store-sql';
import { CONTROL_MIGRATION_LOCK, CONTROL_MIGRATIONS } from './migrations.js';
import { hashToken, newId, newTokenSecret, type SecretBox } from './secret-box.js';
import type {
  Agency,
  AgencyTemplate,
  ControlStore,
  NewToken,
  PlaybookDraft,
  PlaybookVersion,
  Role,
  SaveResult,
  SecretInfo,
  Tenant,
  TokenRecord,
} from './types.js';

type Row = Record<string, unknown>;

const num = (v: unknown) => Number(v);
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function tenantOf(r: Row): Tenant {
  return { id: String(r.id), name: String(r.name), agency: String(r.agency), createdAt: num(r.created_at) };
}

function tokenOf(r: Row): TokenRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    role: String(r.role) as Role,
    agency: String(r.agency),
    tenant: r.tenant === null ? null : String(r.tenant),
    createdAt: num(r.created_at),
  };
}

function draftOf(r: Row): PlaybookDraft {
  return {
    id: String(r.id),
    tenant: String(r.tenant),
    source: String(r.source),
    revision: num(r.revision),
    template: r.template === null ? null : json<PlaybookDraft['template']>(r.template),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    publishedVersion: r.published_version === null ? null : num(r.published_version),
  };
}

function versionOf(r: Row): PlaybookVersion {
  return {
    tenant: String(r.tenant),
    playbook: String(r.playbook),
    version: num(r.version),
    source: String(r.source),
    plugins: json<Record<string, string>>(r.plugins),
    by: String(r.published_by),
    publishedAt: num(r.published_at),
  };
}

function templateOf(r: Row): AgencyTemplate {
  return {
    id: String(r.id),
    agency: String(r.agency),
    source: String(r.source),
    updatedAt: num(r.updated_at),
  };
}

/** The control store on PostgreSQL or PGlite (store-sql's `Sql`), beside the engine's tables. */
export class SqlControlStore implements ControlStore {
  private constructor(
    private readonly sql: Sql,
    private readonly box: SecretBox,
    private readonly now: () => number,
    private readonly ownsSql: boolean,
  ) {}

  /** Applies the control migrations, then answers. `ownsSql`: `close()` closes the connection too. */
  static async open(
    sql: Sql,
    box: SecretBox,
    options: { now?: () => number; ownsSql?: boolean } = {},
  ): Promise<SqlControlStore> {
    await migrate(sql, CONTROL_MIGRATIONS, { table: 'kith_server_migrations', lock: CONTROL_MIGRATION_LOCK });
    return new SqlControlStore(sql, box, options.now ?? Date.now, options.ownsSql ?? false);
  }

  async createAgency(a: { id: string; name: string }): Promise<Agency | 'exists'> {
    const at = this.now();
    const rows = await this.sql.query(
      'INSERT INTO kith_agencies (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id',
      [a.id, a.name, at],
    );
    return rows.length === 0 ? 'exists' : { ...a, createdAt: at };
  }

  async getAgency(id: string): Promise<Agency | undefined> {
    const [r] = await this.sql.query('SELECT id, name, created_at FROM kith_agencies WHERE id = $1', [id]);
    return r && { id: String(r.id), name: String(r.name), createdAt: num(r.created_at) };
  }

  async createTenant(t: { id: string; name: string; agency: string }): Promise<Tenant | 'exists'> {
    const at = this.now();
    const rows = await this.sql.query(
      'INSERT INTO kith_tenants (id, name, agency, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id',
      [t.id, t.name, t.agency, at],
    );
    return rows.length === 0 ? 'exists' : { ...t, createdAt: at };
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const [r] = await this.sql.query('SELECT * FROM kith_tenants WHERE id = $1', [id]);
    return r && tenantOf(r);
  }

  async listTenants(agency: string): Promise<Tenant[]> {
    const rows = await this.sql.query('SELECT * FROM kith_tenants WHERE agency = $1 ORDER BY id', [agency]);
    return rows.map(tenantOf);
  }

  async createToken(t: NewToken): Promise<{ record: TokenRecord; secret: string }> {
    const secret = newTokenSecret();
    const record: TokenRecord = { id: newId('tok'), ...t, createdAt: this.now() };
    await this.sql.query(
      'INSERT INTO kith_tokens (id, hash, name, role, agency, tenant, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        record.id,
        hashToken(secret),
        record.name,
        record.role,
        record.agency,
        record.tenant,
        record.createdAt,
      ],
    );
    return { record, secret };
  }

  async findToken(secret: string): Promise<TokenRecord | undefined> {
    const [r] = await this.sql.query('SELECT * FROM kith_tokens WHERE hash = $1', [hashToken(secret)]);
    return r && tokenOf(r);
  }

  async listTokens(agency: string, tenant: string | null): Promise<TokenRecord[]> {
    const rows = await this.sql.query(
      'SELECT * FROM kith_tokens WHERE agency = $1 AND tenant IS NOT DISTINCT FROM $2 ORDER BY created_at, id',
      [agency, tenant],
    );
    return rows.map(tokenOf);
  }

  async deleteToken(id: string): Promise<boolean> {
    const rows = await this.sql.query('DELETE FROM kith_tokens WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async listPlaybooks(tenant: string): Promise<PlaybookDraft[]> {
    const rows = await this.sql.query('SELECT * FROM kith_playbooks WHERE tenant = $1 ORDER BY id', [tenant]);
    return rows.map(draftOf);
  }

  async getPlaybook(tenant: string, id: string): Promise<PlaybookDraft | undefined> {
    const [r] = await this.sql.query('SELECT * FROM kith_playbooks WHERE tenant = $1 AND id = $2', [
      tenant,
      id,
    ]);
    return r && draftOf(r);
  }

  async createPlaybook(
    tenant: string,
    id: string,
    source: string,
    template: PlaybookDraft['template'] = null,
  ): Promise<SaveResult> {
    const at = this.now();
    const [r] = await this.sql.query(
      `INSERT INTO kith_playbooks (tenant, id, source, revision, template, created_at, updated_at, published_version)
       VALUES ($1, $2, $3, 1, $4, $5, $5, NULL) ON CONFLICT (tenant, id) DO NOTHING RETURNING *`,
      [tenant, id, source, template === null ? null : JSON.stringify(template), at],
    );
    return r ? { ok: true, draft: draftOf(r) } : { ok: false, reason: 'exists' };
  }

  async savePlaybook(tenant: string, id: string, source: string, baseRevision: number): Promise<SaveResult> {
    // compare-and-set on the revision: two editors saving from the same base, one wins
    const [r] = await this.sql.query(
      `UPDATE kith_playbooks SET source = $3, revision = revision + 1, updated_at = $5
       WHERE tenant = $1 AND id = $2 AND revision = $4 RETURNING *`,
      [tenant, id, source, baseRevision, this.now()],
    );
    if (r) return { ok: true, draft: draftOf(r) };
    const current = await this.getPlaybook(tenant, id);
    return current
      ? { ok: false, reason: 'conflict', current: current.revision }
      : { ok: false, reason: 'missing' };
  }

  async deletePlaybook(tenant: string, id: string): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      await tx.query('DELETE FROM kith_playbook_versions WHERE tenant = $1 AND playbook = $2', [tenant, id]);
      const rows = await tx.query('DELETE FROM kith_playbooks WHERE tenant = $1 AND id = $2 RETURNING id', [
        tenant,
        id,
      ]);
      return rows.length > 0;
    });
  }

  async addVersion(v: Omit<PlaybookVersion, 'version'>): Promise<PlaybookVersion> {
    return this.sql.transaction(async (tx: SqlRunner) => {
      // the draft row is the lock: two publishes of one playbook number their versions in turn
      await tx.query('SELECT id FROM kith_playbooks WHERE tenant = $1 AND id = $2 FOR UPDATE', [
        v.tenant,
        v.playbook,
      ]);
      const [m] = await tx.query<{ n: unknown }>(
        'SELECT COALESCE(MAX(version), 0) AS n FROM kith_playbook_versions WHERE tenant = $1 AND playbook = $2',
        [v.tenant, v.playbook],
      );
      const version = num(m?.n ?? 0) + 1;
      await tx.query(
        `INSERT INTO kith_playbook_versions (tenant, playbook, version, source, plugins, published_by, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [v.tenant, v.playbook, version, v.source, JSON.stringify(v.plugins), v.by, v.publishedAt],
      );
      await tx.query('UPDATE kith_playbooks SET published_version = $3 WHERE tenant = $1 AND id = $2', [
        v.tenant,
        v.playbook,
        version,
      ]);
      return { ...v, version };
    });
  }

  async listVersions(tenant: string, playbook: string): Promise<PlaybookVersion[]> {
    const rows = await this.sql.query(
      'SELECT * FROM kith_playbook_versions WHERE tenant = $1 AND playbook = $2 ORDER BY version',
      [tenant, playbook],
    );
    return rows.map(versionOf);
  }

  async getVersion(tenant: string, playbook: string, version: number): Promise<PlaybookVersion | undefined> {
    const [r] = await this.sql.query(
      'SELECT * FROM kith_playbook_versions WHERE tenant = $1 AND playbook = $2 AND version = $3',
      [tenant, playbook, version],
    );
    return r && versionOf(r);
  }

  async putTemplate(agency: string, id: string, source: string): Promise<AgencyTemplate> {
    const at = this.now();
    await this.sql.query(
      `INSERT INTO kith_templates (agency, id, source, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (agency, id) DO UPDATE SET source = EXCLUDED.source, updated_at = EXCLUDED.updated_at`,
      [agency, id, source, at],
    );
    return { agency, id, source, updatedAt: at };
  }

  async getTemplate(agency: string, id: string): Promise<AgencyTemplate | undefined> {
    const [r] = await this.sql.query('SELECT * FROM kith_templates WHERE agency = $1 AND id = $2', [
      agency,
      id,
    ]);
    return r && templateOf(r);
  }

  async listTemplates(agency: string): Promise<AgencyTemplate[]> {
    const rows = await this.sql.query('SELECT * FROM kith_templates WHERE agency = $1 ORDER BY id', [agency]);
    return rows.map(templateOf);
  }

  async putSecret(tenant: string, name: string, value: string): Promise<void> {
    await this.sql.query(
      `INSERT INTO kith_secrets (tenant, name, sealed, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant, name) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at`,
      [tenant, name, this.box.seal(value), this.now()],
    );
  }

  async deleteSecret(tenant: string, name: string): Promise<boolean> {
    const rows = await this.sql.query(
      'DELETE FROM kith_secrets WHERE tenant = $1 AND name = $2 RETURNING name',
      [tenant, name],
    );
    return rows.length > 0;
  }

  async listSecrets(tenant: string): Promise<SecretInfo[]> {
    const rows = await this.sql.query(
      'SELECT name, updated_at FROM kith_secrets WHERE tenant = $1 ORDER BY name',
      [tenant],
    );
    return rows.map((r) => ({ name: String(r.name), updatedAt: num(r.updated_at) }));
  }

  async readSecrets(tenant: string): Promise<Record<string, string>> {
    const rows = await this.sql.query('SELECT name, sealed FROM kith_secrets WHERE tenant = $1', [tenant]);
    const out: Record<string, string> = {};
    for (const r of rows) out[String(r.name)] = this.box.open(String(r.sealed));
    return out;
  }

  async close(): Promise<void> {
    if (this.ownsSql) await this.sql.close();
  }
}
