import { decText, encText } from './codec.js';
import { memberCounts } from './members.js';
import type { SqlRunner } from './sql.js';

/** Where a tenant's members are now, counted in the database (what a live dashboard shows). */
export interface MemberTallies {
  members: number;
  left: number;
  /** Members by current stage (null: no stage). */
  stages: Record<string, number>;
  /** Members who ever reached each stage. */
  reached: Record<string, number>;
  /** Members by tier ('' for none). */
  tiers: Record<string, number>;
  /** Members who reached each goal. */
  goals: Record<string, number>;
  /** Runs in progress by journey and by the step they wait at (null: not waiting). */
  runs: { journey: string; step: string | null; count: number }[];
}

const tally = (rows: { k: string | null; n: number | string }[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of rows) if (r.k !== null) out[decText(r.k)] = (out[decText(r.k)] ?? 0) + Number(r.n);
  return out;
};

/**
 * A tenant's live counts by aggregate queries over the member rows (generated columns and the
 * JSON arrays in the state), instead of loading every member into the process: the live view of a
 * community of 100,000 members was 100,000 reads a second while anything changed.
 */
export async function memberTallies(db: SqlRunner, tenant: string): Promise<MemberTallies> {
  const t = [encText(tenant)];
  const [totals, byStageTier, reached, goals, runs] = await Promise.all([
    db.query<{ n: number | string; left: number | string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE state->>'leftAt' IS NOT NULL) AS left
       FROM kith_members WHERE tenant = $1`,
      t,
    ),
    memberCounts(db, tenant),
    db.query<{ k: string | null; n: number | string }>(
      `SELECT s AS k, count(*) AS n FROM kith_members m,
         jsonb_array_elements_text(COALESCE(m.state->'stagesReached', '[]'::jsonb)) AS s
       WHERE m.tenant = $1 GROUP BY s`,
      t,
    ),
    db.query<{ k: string | null; n: number | string }>(
      `SELECT g AS k, count(*) AS n FROM kith_members m,
         jsonb_array_elements_text(COALESCE(m.state->'profile'->'goals', '[]'::jsonb)) AS g
       WHERE m.tenant = $1 GROUP BY g`,
      t,
    ),
    db.query<{ journey: string; step: string | null; n: number | string }>(
      `SELECT r->>'journey' AS journey, r->'wait'->>'step' AS step, count(*) AS n FROM kith_members m,
         jsonb_array_elements(COALESCE(m.state->'instances', '[]'::jsonb)) AS r
       WHERE m.tenant = $1 GROUP BY 1, 2`,
      t,
    ),
  ]);
  const { stages, tiers } = byStageTier;
  return {
    members: Number(totals[0]?.n ?? 0),
    left: Number(totals[0]?.left ?? 0),
    stages,
    reached: tally(reached),
    tiers,
    goals: tally(goals),
    runs: runs.map((r) => ({
      journey: decText(r.journey),
      step: r.step === null ? null : decText(r.step),
      count: Number(r.n),
    })),
  };
}
