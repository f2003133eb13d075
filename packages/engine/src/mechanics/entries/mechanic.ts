import type { ResolvedPlaybook } from '@kith/playbook/browser';
import {
  assignInput,
  GROUP_ASSIGN,
  type GroupAssignment,
  placementEffect,
} from '../../kernel/steps/group.js';
import { renderOr, templateScope } from '../messages.js';
import { defineMechanic } from '../types.js';

/** Entry id → the group pool members who join through it are placed in. */
export interface EntriesPlan {
  pools: ReadonlyMap<string, string>;
}

export function compileEntries(pb: ResolvedPlaybook): EntriesPlan | undefined {
  const pools = new Map<string, string>();
  for (const [id, e] of Object.entries(pb.entries ?? {})) if (e.group !== undefined) pools.set(id, e.group);
  return pools.size === 0 ? undefined : { pools };
}

/** The reply name: the pool, and the join event (a rejoin is a new placement with new effects). */
function replyName(pool: string, event: string): string {
  return `${pool}|${event}`;
}

/**
 * Entries (入口): a member who joins through an entry with a `group:` (`event.entry` names it) is
 * placed in that pool at once, by the group directory like a `group` step (capacity, sharding,
 * opening a new group when every one is full). `member.source` comes from the entry's `source`
 * (the engine sets it on `member.joined`). The directory answers once the joining input's
 * journeys have started, so a step that sends `to: group` in that same instant finds no group yet.
 */
export const entries = defineMechanic<EntriesPlan, never>({
  name: 'entries',
  events: ['member.joined'],
  compile: (pb) => compileEntries(pb),
  onEvent(ctx, event, view) {
    const entry = typeof view.entry === 'string' ? view.entry : null;
    const poolId = entry === null ? undefined : ctx.plan.pools.get(entry);
    const pool = poolId === undefined ? undefined : ctx.playbook.pools.get(poolId);
    if (pool === undefined || ctx.member.groups[pool.id] !== undefined) return undefined;
    return {
      requests: [
        {
          service: GROUP_ASSIGN,
          input: assignInput(pool, ctx.member.attributes),
          reply: true,
          name: replyName(pool.id, event.id),
        },
      ],
    };
  },
  onReply(ctx, name, output) {
    const pool = ctx.playbook.pools.get(name.slice(0, name.indexOf('|')));
    const a = output as unknown as GroupAssignment;
    if (pool === undefined || a.group === null) return undefined;
    const group = a.group;
    const address = ctx.member.identities[pool.channel] ?? null;
    const e = placementEffect(pool, { ...a, group }, ctx.member.id, address, (extra) =>
      renderOr(pool.name, templateScope(ctx, null, extra), `${pool.id} #${extra.n}`),
    );
    return {
      changes: [{ op: 'group', pool: pool.id, group }],
      effects: [{ type: e.type, target: pool.channel, data: e.data }],
    };
  },
});
