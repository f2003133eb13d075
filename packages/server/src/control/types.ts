/** A token's role (what it may do is in ROUTES.md). */
export type Role = 'agency-admin' | 'tenant-editor' | 'tenant-viewer';

/**
 * The control plane: who may call (agencies, tenants, tokens), what they author (playbook drafts
 * with revisions, published versions with their source, agency templates) and their secrets.
 * The engine's runtime state lives in the engine's Store; this is everything around it.
 * Times are milliseconds since the epoch.
 */
export interface Agency {
  id: string;
  name: string;
  createdAt: number;
}

export interface Tenant {
  id: string;
  name: string;
  agency: string;
  createdAt: number;
}

/** A token as stored: only a SHA-256 of its secret is kept, never the secret itself. */
export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  agency: string;
  /** The one tenant a tenant token may reach; null for agency tokens. */
  tenant: string | null;
  createdAt: number;
}

export interface NewToken {
  name: string;
  role: Role;
  agency: string;
  tenant: string | null;
}

export interface PlaybookDraft {
  id: string;
  tenant: string;
  source: string;
  /** 1 on creation, +1 on every save: a save names the revision it was based on. */
  revision: number;
  /** The template and params it was instantiated from, if any. */
  template: { id: string; params: Record<string, unknown> } | null;
  createdAt: number;
  updatedAt: number;
  /** The latest published version, null while never published. */
  publishedVersion: number | null;
}

export interface PlaybookVersion {
  playbook: string;
  tenant: string;
  /** 1, 2, 3… per playbook. */
  version: number;
  /** The draft source that was published (exactly the text, comments kept). */
  source: string;
  /** The exact plugin versions resolved at publish time, by instance id. */
  plugins: Record<string, string>;
  /** Name of the token that published it. */
  by: string;
  publishedAt: number;
}

export interface AgencyTemplate {
  id: string;
  agency: string;
  source: string;
  updatedAt: number;
}

export interface SecretInfo {
  name: string;
  updatedAt: number;
}

/** Why a write was refused; the routes turn each into a problem. */
export type WriteRefusal = 'exists' | 'missing' | 'conflict';

export type SaveResult =
  | { ok: true; draft: PlaybookDraft }
  | { ok: false; reason: WriteRefusal; current?: number };

export interface ControlStore {
  createAgency(agency: { id: string; name: string }): Promise<Agency | 'exists'>;
  getAgency(id: string): Promise<Agency | undefined>;

  createTenant(tenant: { id: string; name: string; agency: string }): Promise<Tenant | 'exists'>;
  getTenant(id: string): Promise<Tenant | undefined>;
  listTenants(agency: string): Promise<Tenant[]>;

  /** Creates a token; the secret is returned once and only its hash is kept. */
  createToken(token: NewToken): Promise<{ record: TokenRecord; secret: string }>;
  /** The token whose secret this is (compared by hash), if any. */
  findToken(secret: string): Promise<TokenRecord | undefined>;
  /** Agency tokens (`tenant: null`) or one tenant's tokens. */
  listTokens(agency: string, tenant: string | null): Promise<TokenRecord[]>;
  deleteToken(id: string): Promise<boolean>;

  listPlaybooks(tenant: string): Promise<PlaybookDraft[]>;
  getPlaybook(tenant: string, id: string): Promise<PlaybookDraft | undefined>;
  createPlaybook(
    tenant: string,
    id: string,
    source: string,
    template?: PlaybookDraft['template'],
  ): Promise<SaveResult>;
  /** Saves a new revision if `baseRevision` is the current one ('conflict' otherwise). */
  savePlaybook(tenant: string, id: string, source: string, baseRevision: number): Promise<SaveResult>;
  /** Removes the draft and its versions. */
  deletePlaybook(tenant: string, id: string): Promise<boolean>;
  /** Records a published version (numbered next) and marks the draft published at it. */
  addVersion(v: Omit<PlaybookVersion, 'version'>): Promise<PlaybookVersion>;
  listVersions(tenant: string, playbook: string): Promise<PlaybookVersion[]>;
  getVersion(tenant: string, playbook: string, version: number): Promise<PlaybookVersion | undefined>;

  putTemplate(agency: string, id: string, source: string): Promise<AgencyTemplate>;
  getTemplate(agency: string, id: string): Promise<AgencyTemplate | undefined>;
  listTemplates(agency: string): Promise<AgencyTemplate[]>;

  /** Stores a secret encrypted; the value is never returned by any listing. */
  putSecret(tenant: string, name: string, value: string): Promise<void>;
  deleteSecret(tenant: string, name: string): Promise<boolean>;
  listSecrets(tenant: string): Promise<SecretInfo[]>;
  /** The decrypted values, for delivery time only (plugin configs); never for a response. */
  readSecrets(tenant: string): Promise<Record<string, string>>;

  close(): Promise<void>;
}
