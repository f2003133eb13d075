/**
 * 0002: what production mode needs — the event inbox, persisted timers (embedded scheduler),
 * outbox claim leases, and member columns and indexes for the API's member queries.
 */
export const sql = `
-- Events accepted by the API and not yet run by the engine (a worker or the embedded loop runs
-- them, then marks them done). Done rows are pruned after the retention period; from then on
-- kith_consumed_events alone answers "already seen".
CREATE TABLE kith_inbound (
  tenant TEXT NOT NULL,
  id TEXT NOT NULL,
  event JSONB NOT NULL,
  seq BIGSERIAL NOT NULL,
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  done_at TIMESTAMPTZ,
  PRIMARY KEY (tenant, id)
);

CREATE INDEX kith_inbound_pending ON kith_inbound (seq) WHERE done_at IS NULL;
CREATE INDEX kith_inbound_done ON kith_inbound (done_at) WHERE done_at IS NOT NULL;

-- The embedded scheduler's timers: one row per (tenant, key); scheduling a key again replaces
-- its row and moves it behind timers already due at the same instant (seq).
CREATE SEQUENCE kith_timers_seq;

CREATE TABLE kith_timers (
  tenant TEXT NOT NULL,
  key TEXT NOT NULL,
  at BIGINT NOT NULL,
  seq BIGINT NOT NULL DEFAULT nextval('kith_timers_seq'),
  timer JSONB NOT NULL,
  PRIMARY KEY (tenant, key)
);

CREATE INDEX kith_timers_due ON kith_timers (at, seq);

-- When dueEffects handed the row out (database time): a claim older than the claim timeout
-- belongs to a worker that died, and the row goes back in line.
ALTER TABLE kith_outbox ADD COLUMN claimed_at TIMESTAMPTZ;
-- the due_seq a claimed row had: claims are returned in due order
ALTER TABLE kith_outbox ADD COLUMN claimed_seq BIGINT;

CREATE INDEX kith_outbox_claimed ON kith_outbox (claimed_at)
  WHERE status = 'pending' AND due_seq IS NULL;

-- claims made before this migration get a lease from now
UPDATE kith_outbox SET claimed_at = now() WHERE status = 'pending' AND due_seq IS NULL;

-- Member summary columns, computed by PostgreSQL from the state on every write (and for the rows
-- already there when this migration runs): the member list and segment counts read these and
-- their indexes, never the whole state.
ALTER TABLE kith_members
  ADD COLUMN stage TEXT GENERATED ALWAYS AS (state->'profile'->>'stage') STORED,
  ADD COLUMN tier TEXT GENERATED ALWAYS AS (state->'profile'->>'tier') STORED,
  ADD COLUMN name TEXT GENERATED ALWAYS AS (state->'profile'->>'name') STORED,
  ADD COLUMN tags JSONB GENERATED ALWAYS AS (COALESCE(state->'profile'->'tags', '[]'::jsonb)) STORED,
  ADD COLUMN points DOUBLE PRECISION
    GENERATED ALWAYS AS (COALESCE((state->'profile'->>'points')::double precision, 0)) STORED;

CREATE INDEX kith_members_stage ON kith_members (tenant, stage, id);
CREATE INDEX kith_members_tier ON kith_members (tenant, tier, id);
CREATE INDEX kith_members_tags ON kith_members USING gin (tags jsonb_path_ops);
-- runs in progress: "in journey J", "parked on step S of journey J"
CREATE INDEX kith_members_runs ON kith_members USING gin ((state->'instances') jsonb_path_ops);
`;
