import type { MemberState, Store } from '@kith/engine';
import { byId, decodeCursor, encodeCursor } from './common.js';

export interface MemberQuery {
  q?: string;
  stage?: string;
  tier?: string;
  tag?: string;
  journey?: string;
  step?: string;
  cursor?: string;
  limit: number;
}

export interface MemberPage {
  items: MemberState[];
  next: string | null;
}

/**
 * The index-backed search SqlStore offers; without it the members are scanned. Both use the same
 * cursor (`{ after: <last id> }`, base64url) and the same filters.
 */
interface MemberFinder {
  findMembers(tenant: string, query: MemberQuery): Promise<{ items: { id: string }[]; next?: string }>;
}

function hasFinder(store: Store): store is Store & MemberFinder {
  return typeof (store as Partial<MemberFinder>).findMembers === 'function';
}

/** Whether a member matches every filter given (`q`: part of the id or name, any case; `step`: where a run waits). */
export function matches(state: MemberState, query: MemberQuery): boolean {
  const p = state.profile;
  if (query.stage !== undefined && p.stage !== query.stage) return false;
  if (query.tier !== undefined && p.tier !== query.tier) return false;
  if (query.tag !== undefined && !p.tags.includes(query.tag)) return false;
  if (query.journey !== undefined || query.step !== undefined) {
    const on = state.instances.some(
      (run) =>
        (query.journey === undefined || run.journey === query.journey) &&
        (query.step === undefined || run.wait?.step === query.step),
    );
    if (!on) return false;
  }
  if (query.q !== undefined && query.q !== '') {
    const needle = query.q.toLowerCase();
    if (!p.id.toLowerCase().includes(needle) && !(p.name ?? '').toLowerCase().includes(needle)) return false;
  }
  return true;
}

const isAfter = (v: unknown): v is { after: string } =>
  typeof v === 'object' && v !== null && typeof (v as { after?: unknown }).after === 'string';

/** One page of members matching the query, in id order. */
export async function findMembers(store: Store, tenant: string, query: MemberQuery): Promise<MemberPage> {
  const after = decodeCursor(query.cursor, isAfter)?.after;
  if (hasFinder(store)) {
    const page = await store.findMembers(tenant, query);
    const items: MemberState[] = [];
    for (const { id } of page.items) {
      const state = await store.loadMember(tenant, id);
      if (state !== undefined) items.push(state);
    }
    return { items, next: page.next ?? null };
  }
  const ids: string[] = [];
  for await (const id of store.memberIds(tenant))
    if (after === undefined || byId(id, after) > 0) ids.push(id);
  ids.sort(byId);
  const items: MemberState[] = [];
  let more = false;
  for (const id of ids) {
    const state = await store.loadMember(tenant, id);
    if (state === undefined || !matches(state, query)) continue;
    if (items.length === query.limit) {
      more = true;
      break;
    }
    items.push(state);
  }
  const last = items.at(-1);
  return { items, next: more && last !== undefined ? encodeCursor({ after: last.id }) : null };
}
