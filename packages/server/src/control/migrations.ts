import type { Migration } from '@kith/store-sql';

/** The control plane's own schema, numbered apart from the engine's (table `kith_server_migrations`). */
export const CONTROL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'control-plane',
    sql: `
CREATE TABLE kith_agencies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE kith_tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  agency TEXT NOT NULL REFERENCES kith_agencies (id),
  created_at BIGINT NOT NULL
);
CREATE INDEX kith_tenants_agency ON kith_tenants (agency);

-- only a SHA-256 of each token is kept: a stolen database holds no usable token
CREATE TABLE kith_tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('agency-admin', 'tenant-editor', 'tenant-viewer')),
  agency TEXT NOT NULL,
  tenant TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX kith_tokens_scope ON kith_tokens (agency, tenant);

CREATE TABLE kith_playbooks (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  source TEXT NOT NULL,
  revision INTEGER NOT NULL,
  template JSONB,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  published_version INTEGER,
  PRIMARY KEY (tenant, id)
);

CREATE TABLE kith_playbook_versions (
  tenant TEXT NOT NULL,
  playbook TEXT NOT NULL,
  version INTEGER NOT NULL,
  source TEXT NOT NULL,
  plugins JSONB NOT NULL,
  published_by TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (tenant, playbook, version)
);

CREATE TABLE kith_templates (
  agency TEXT NOT NULL,
  id TEXT NOT NULL,
  source TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (agency, id)
);

-- values sealed with AES-256-GCM (KITH_SECRET_KEY or the data dir's key file)
CREATE TABLE kith_secrets (
  tenant TEXT NOT NULL,
  name TEXT NOT NULL,
  sealed TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant, name)
);
`,
  },
];

/** The advisory lock the control migrations hold (the engine's is 7_461_523_001). */
export const CONTROL_MIGRATION_LOCK = 7_461_523_101;
