/** 0001: the initial schema. Every key is tenant-scoped; money and instants are BIGINT. */
export const sql = `
CREATE TABLE kith_members (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  rev BIGINT NOT NULL,
  state JSONB NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, id)
);

CREATE TABLE kith_consumed_events (
  tenant TEXT NOT NULL,
  event_id TEXT NOT NULL,
  consumed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, event_id)
);

-- due order: (available_at, due_seq); due_seq is NULL while an entry is claimed (taken by
-- dueEffects and not yet settled) or once it is settled for good.
CREATE SEQUENCE kith_outbox_due_seq;

CREATE TABLE kith_outbox (
  tenant TEXT NOT NULL,
  key TEXT NOT NULL,
  effect JSONB NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'delivered', 'skipped', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  available_at BIGINT NOT NULL,
  last_error TEXT,
  settled_at BIGINT,
  due_seq BIGINT DEFAULT nextval('kith_outbox_due_seq'),
  created_seq BIGSERIAL NOT NULL,
  PRIMARY KEY (tenant, key)
);

CREATE INDEX kith_outbox_due ON kith_outbox (available_at, due_seq)
  WHERE status = 'pending' AND due_seq IS NOT NULL;
CREATE INDEX kith_outbox_dead ON kith_outbox (tenant, created_seq) WHERE status = 'dead';

CREATE TABLE kith_finished_runs (
  seq BIGSERIAL PRIMARY KEY,
  tenant TEXT NOT NULL,
  member TEXT NOT NULL,
  instance JSONB NOT NULL,
  finished_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX kith_finished_runs_member ON kith_finished_runs (tenant, member);

-- value NULL: a placeholder row (the record does not exist yet), locked by updateShared
CREATE TABLE kith_shared (
  tenant TEXT NOT NULL,
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  value JSONB,
  version BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, namespace, key)
);

CREATE TABLE kith_published (
  seq BIGSERIAL PRIMARY KEY,
  tenant TEXT NOT NULL,
  version TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  playbook JSONB NOT NULL,
  params JSONB NOT NULL
);

CREATE INDEX kith_published_tenant ON kith_published (tenant, seq);
`;
