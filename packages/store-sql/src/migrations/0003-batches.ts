/**
 * 0003: what batched workers need — inbox claims with a lease (a worker drains many events per
 * job, and a worker that died leaves its claims to expire), and the member an event is for, so
 * that a claim keeps each member's events in order across concurrent workers.
 */
export const sql = `
-- Until when a worker holds the event (database time, set from the claimer's lease); a claim past
-- it belongs to a worker that died, and the event can be claimed again.
ALTER TABLE kith_inbound ADD COLUMN claimed_until TIMESTAMPTZ;
ALTER TABLE kith_inbound ADD COLUMN member TEXT GENERATED ALWAYS AS (event->>'member') STORED;

-- Room on each page for the claim's new row version: claimed_until is in no index, so a claim is a
-- HOT update (no index entries) when the page has space. Applies to pages written from now on.
ALTER TABLE kith_inbound SET (fillfactor = 80);

-- a tenant's pending events in arrival order (what a claim reads)
CREATE INDEX kith_inbound_tenant_pending ON kith_inbound (tenant, seq) WHERE done_at IS NULL;
-- "has this member an earlier event still pending?" (what keeps a member's events in order)
CREATE INDEX kith_inbound_member_pending ON kith_inbound (tenant, member, seq) WHERE done_at IS NULL;
`;
