import { GROUP_RELEASE } from '../../kernel/builtins.js';
import type { GroupAssignment } from '../../kernel/steps/group.js';
import { GROUP_ASSIGN } from '../../kernel/steps/group.js';
import type { ServiceHandler } from '../../mechanics/types.js';
import { EVENTS } from '../../model/event.js';

export const GROUP_OPENED = 'groups.opened';

export interface GroupSlot {
  id: string;
  /** 1-based number in the pool (`{{ n }}` in group names). */
  n: number;
  size: number;
  /** The attribute value a by-attribute group is for. */
  value: string | null;
  /** `opening` until the channel reports the group exists. */
  status: 'open' | 'opening';
  external: string | null;
}

export interface PoolState {
  groups: GroupSlot[];
  /** member → group: assignment is idempotent per member. */
  members: Record<string, string>;
  waitlist: string[];
}

export const POOLS_NAMESPACE = 'groups';

function init(existing: readonly string[]): PoolState {
  return {
    groups: existing.map((id, i) => ({ id, n: i + 1, size: 0, value: null, status: 'open', external: id })),
    members: {},
    waitlist: [],
  };
}

type Shard = 'fill' | 'balance' | 'by-attribute';

/**
 * A pool's group by id without walking the pool: a group the engine opened is `pool-n`, the n-th
 * listed (a pool of a million members has thousands); groups that existed before keep their ids.
 */
function groupById(pool: PoolState, poolId: string, id: string): GroupSlot | undefined {
  if (id.startsWith(`${poolId}-`)) {
    const g = pool.groups[Number(id.slice(poolId.length + 1)) - 1];
    if (g?.id === id) return g;
  }
  return pool.groups.find((x) => x.id === id);
}

/** The group a new member goes to, or undefined when every candidate is full. */
function choose(
  pool: PoolState,
  shard: Shard,
  capacity: number,
  value: string | null,
): GroupSlot | undefined {
  const groups = pool.groups;
  if (shard !== 'balance') {
    // the highest-numbered candidate: groups are listed in the order they were numbered, so the
    // first from the end (a pool of thousands of full groups is not walked for every member)
    for (let k = groups.length - 1; k >= 0; k--) {
      const g = groups[k]!;
      if (g.size < capacity && (shard !== 'by-attribute' || g.value === value)) return g;
    }
    return undefined;
  }
  let best: GroupSlot | undefined;
  for (const g of groups) {
    if (g.size >= capacity) continue;
    if (best === undefined || g.size < best.size) best = g;
  }
  return best;
}

/**
 * Places a member in a pool atomically: never beyond capacity (a group exactly at capacity is
 * full), a new group when every candidate is full and overflow is `open-new` (the member is its
 * first), else the waitlist. Asking again for the same member gives the same answer.
 */
export const assignGroup: ServiceHandler = async (req, env) => {
  const i = req.input;
  const poolId = String(i.pool);
  const capacity = Number(i.capacity);
  const shard = (i.shard ?? 'fill') as Shard;
  const value = shard === 'by-attribute' ? ((i.value as string | null) ?? null) : null;
  let answer: GroupAssignment = { group: null, opened: null, waitlisted: false };
  await env.store.updateShared<PoolState>(req.tenant, POOLS_NAMESPACE, poolId, (cur) => {
    const pool = cur ?? init((i.existing as string[] | undefined) ?? []);
    const already = pool.members[req.member];
    if (already !== undefined) {
      answer = { group: already, opened: null, waitlisted: false };
      return pool;
    }
    let g = choose(pool, shard, capacity, value);
    let opened: number | null = null;
    if (g === undefined) {
      // a waitlist is for when the pool's groups are full: a pool with none yet opens its first
      if (i.overflow === 'waitlist' && pool.groups.length > 0) {
        if (!pool.waitlist.includes(req.member)) pool.waitlist.push(req.member);
        answer = { group: null, opened: null, waitlisted: true };
        return pool;
      }
      const n = pool.groups.length + 1;
      g = { id: `${poolId}-${n}`, n, size: 0, value, status: 'opening', external: null };
      pool.groups.push(g);
      opened = n;
    }
    g.size++;
    pool.members[req.member] = g.id;
    answer = { group: g.id, opened, waitlisted: false };
    return pool;
  });
  return answer as unknown as Record<string, unknown>;
};

/** A member left: free the seat and give it to the first on the waitlist. */
export const releaseGroup: ServiceHandler = async (req, env) => {
  const poolId = String(req.input.pool);
  let promoted: { member: string; group: string } | null = null;
  await env.store.updateShared<PoolState>(req.tenant, POOLS_NAMESPACE, poolId, (cur) => {
    if (cur === undefined) return init([]);
    const groupId = cur.members[req.member];
    if (groupId === undefined) return cur;
    delete cur.members[req.member];
    const g = groupById(cur, poolId, groupId);
    if (g === undefined) return cur;
    g.size = Math.max(0, g.size - 1);
    const next = cur.waitlist.shift();
    if (next !== undefined) {
      g.size++;
      cur.members[next] = g.id;
      promoted = { member: next, group: g.id };
    }
    return cur;
  });
  const p = promoted as { member: string; group: string } | null;
  if (p !== null)
    env.forward({ type: EVENTS.groupAssigned, member: p.member, data: { pool: poolId, group: p.group } });
  return {};
};

/** The channel opened a group the engine asked for: record its id on the channel. */
export const groupOpened: ServiceHandler = async (req, env) => {
  const poolId = String(req.input.pool);
  await env.store.updateShared<PoolState>(req.tenant, POOLS_NAMESPACE, poolId, (cur) => {
    const pool = cur ?? init([]);
    const g = groupById(pool, poolId, String(req.input.group));
    if (g !== undefined) {
      g.status = 'open';
      g.external = typeof req.input.external === 'string' ? req.input.external : g.external;
    }
    return pool;
  });
  return {};
};

export const GROUP_SERVICES: Readonly<Record<string, ServiceHandler>> = {
  [GROUP_ASSIGN]: assignGroup,
  [GROUP_RELEASE]: releaseGroup,
  [GROUP_OPENED]: groupOpened,
};
