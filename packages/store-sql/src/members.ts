import { decJson, decText, encJson, encText } from './codec.js';
import type { SqlRunner } from './sql.js';

/** Which members: every given filter must hold. */
export interface MemberFilter {
  /** Case-insensitive substring of the member id or name. */
  q?: string;
  stage?: string;
  tier?: string;
  /** Carries this tag. */
  tag?: string;
  /** Has a run of this journey in progress. */
  journey?: string;
  /** Has a run parked on this step (a wait or a service call); with `journey`, a run of that journey. */
  step?: string;
}

export interface MemberQuery extends MemberFilter {
  /** `next` of the previous page; absent for the first page. */
  cursor?: string;
  /** Members per page, 1–1000. */
  limit: number;
}

export interface MemberSummary {
  id: string;
  stage: string | null;
  tier: string;
  tags: string[];
  points: number;
  /** Last commit of the member, epoch milliseconds. */
  updatedAt: number;
}

export interface MemberPage {
  items: MemberSummary[];
  /** Present when there are more members: pass it as `cursor` for the next page. */
  next?: string;
}

export const MAX_PAGE = 1000;

/** The cursor is the last id of the page (keyset pagination: stable under inserts and updates). */
function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && 'after' in v && typeof v.after === 'string') return v.after;
  } catch {
    // reported below
  }
  throw new Error(
    `findMembers: cursor '${cursor.slice(0, 40)}' is not one this store returned; pass the \`next\` of the previous page`,
  );
}

function likePattern(q: string): string {
  return `%${encText(q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause for a filter, with its parameters numbered after `params`. */
function where(tenant: string, f: MemberFilter, params: unknown[]): string {
  const add = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const clauses = [`tenant = ${add(encText(tenant))}`];
  if (f.q !== undefined && f.q !== '') {
    const p = add(likePattern(f.q));
    clauses.push(`(id ILIKE ${p} OR name ILIKE ${p})`);
  }
  if (f.stage !== undefined) clauses.push(`stage = ${add(encText(f.stage))}`);
  if (f.tier !== undefined) clauses.push(`tier = ${add(encText(f.tier))}`);
  if (f.tag !== undefined) clauses.push(`tags @> ${add(encJson([f.tag]))}::text::jsonb`);
  if (f.journey !== undefined || f.step !== undefined) {
    // containment on the runs in progress (a finished run leaves `instances`), through the
    // GIN-indexed summary of each (migration 6)
    const run: Record<string, unknown> = {};
    if (f.journey !== undefined) run.journey = f.journey;
    if (f.step !== undefined) run.wait = { step: f.step };
    clauses.push(`kith_runs(state->'instances') @> ${add(encJson([run]))}::text::jsonb`);
  }
  return clauses.join(' AND ');
}

function checkFilter(f: MemberFilter): void {
  for (const k of ['q', 'stage', 'tier', 'tag', 'journey', 'step'] as const) {
    const v = f[k];
    if (v !== undefined && typeof v !== 'string')
      throw new TypeError(`findMembers: '${k}' must be a string, got ${typeof v}`);
  }
}

interface SummaryRow {
  id: string;
  stage: string | null;
  tier: string | null;
  tags: string;
  points: number | string;
  updated_ms: number | string;
}

/** One page of a tenant's members matching the filter, in id order. */
export async function findMembers(db: SqlRunner, tenant: string, query: MemberQuery): Promise<MemberPage> {
  checkFilter(query);
  const { limit } = query;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new RangeError(`findMembers: limit must be a whole number from 1 to ${MAX_PAGE}, got ${limit}`);
  const params: unknown[] = [];
  let sql = where(tenant, query, params);
  if (query.cursor !== undefined) {
    params.push(decodeCursor(query.cursor));
    sql += ` AND id > $${params.length}`;
  }
  params.push(limit + 1);
  const rows = await db.query<SummaryRow>(
    `SELECT id, stage, tier, tags::text AS tags, points,
       (extract(epoch from updated_at) * 1000)::bigint AS updated_ms
     FROM kith_members WHERE ${sql} ORDER BY id LIMIT $${params.length}`,
    params,
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const items = page.map(
    (r): MemberSummary => ({
      id: decText(r.id),
      stage: r.stage === null ? null : decText(r.stage),
      tier: r.tier === null ? '' : decText(r.tier),
      tags: decJson<string[]>(r.tags),
      points: Number(r.points),
      updatedAt: Number(r.updated_ms),
    }),
  );
  const last = page.at(-1);
  return more && last !== undefined ? { items, next: encodeCursor(last.id) } : { items };
}

/** How many of a tenant's members match the filter (segment sizes). */
export async function countMembers(
  db: SqlRunner,
  tenant: string,
  filter: MemberFilter = {},
): Promise<number> {
  checkFilter(filter);
  const params: unknown[] = [];
  const rows = await db.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM kith_members WHERE ${where(tenant, filter, params)}`,
    params,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Members per current stage and per current tier (the funnel's "now" columns), from the indexes. */
export async function memberCounts(
  db: SqlRunner,
  tenant: string,
): Promise<{ members: number; stages: Record<string, number>; tiers: Record<string, number> }> {
  const rows = await db.query<{ stage: string | null; tier: string | null; n: number | string }>(
    'SELECT stage, tier, count(*) AS n FROM kith_members WHERE tenant = $1 GROUP BY stage, tier',
    [encText(tenant)],
  );
  const stages: Record<string, number> = {};
  const tiers: Record<string, number> = {};
  let members = 0;
  for (const r of rows) {
    const n = Number(r.n);
    members += n;
    if (r.stage !== null) stages[decText(r.stage)] = (stages[decText(r.stage)] ?? 0) + n;
    const tier = r.tier === null ? '' : decText(r.tier);
    tiers[tier] = (tiers[tier] ?? 0) + n;
  }
  return { members, stages, tiers };
}
