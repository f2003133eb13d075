import type { CompiledPool, CompiledStepOf } from '../../compile/types.js';
import { CONTINUE, type Control, PARK } from '../../compile/types.js';
import { EFFECTS, type GroupAddData, type GroupOpenData } from '../../model/effect.js';
import type { Run } from '../run.js';
import { waitToken } from './wait.js';

export const GROUP_ASSIGN = 'groups.assign';

/** What the group directory answers (see runtime/services/groups.ts). */
export interface GroupAssignment {
  group: string | null;
  /** Set when a new group had to be opened for this member: its number in the pool. */
  opened: number | null;
  waitlisted: boolean;
}

/** What the group directory is asked to place a member of a pool (by its attributes). */
export function assignInput(
  pool: CompiledPool,
  attributes: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const by = pool.by === null ? null : (attributes[pool.by] ?? null);
  return {
    pool: pool.id,
    capacity: pool.capacity,
    shard: pool.shard,
    overflow: pool.overflow,
    existing: pool.groups,
    value: by === null ? null : String(by),
  };
}

/**
 * The channel effect for a placement: a group opened for this member (its first) is created with
 * it, named by the pool's `name` (`render` fills `n` and `group`); otherwise the member is added.
 */
export function placementEffect(
  pool: CompiledPool,
  a: GroupAssignment & { group: string },
  member: string,
  address: string | null,
  render: (scope: { n: number; group: { id: string; pool: string } }) => string | null,
): { type: string; data: Record<string, unknown> } {
  if (a.opened !== null) {
    const data: GroupOpenData = {
      pool: pool.id,
      group: a.group,
      name: render({ n: a.opened, group: { id: a.group, pool: pool.id } }) ?? `${pool.id} #${a.opened}`,
      members: [member],
    };
    return { type: EFFECTS.groupOpen, data: data as unknown as Record<string, unknown> };
  }
  const data: GroupAddData = { pool: pool.id, group: a.group, member, address };
  return { type: EFFECTS.groupAdd, data: data as unknown as Record<string, unknown> };
}

/**
 * Places the member in a group of a pool. Capacity is shared by all members, so the pure core
 * asks the group directory (a service) and parks until the answer comes back as a reply.
 */
export function execGroup(step: CompiledStepOf<'group'>, run: Run): Control {
  const inst = run.instance!;
  const pool = run.playbook.pools.get(step.pool);
  if (pool === undefined) {
    run.output = { error: `unknown group pool '${step.pool}'` };
    return CONTINUE;
  }
  const wake = run.wake;
  if (inst.wait === null || inst.wait.step !== step.id || wake?.kind !== 'reply') {
    if (inst.wait?.step === step.id) return PARK;
    const token = waitToken(inst.id, step.id);
    inst.wait = { step: step.id, token, since: run.now, until: null, event: null };
    inst.status = 'calling';
    run.request(GROUP_ASSIGN, assignInput(pool, run.profile.attributes), token);
    return PARK;
  }
  inst.wait = null;
  inst.status = 'active';
  const a = wake.output as unknown as GroupAssignment;
  if (a.group !== null) {
    const group = a.group;
    run.change({ op: 'group', pool: pool.id, group });
    const address = run.profile.identities[pool.channel] ?? null;
    const e = placementEffect(pool, { ...a, group }, run.state.id, address, (extra) => {
      run.scope.n = extra.n;
      run.scope.group = extra.group;
      return run.render(pool.name);
    });
    run.effect(e.type, pool.channel, e.data);
  }
  run.output = { group: a.group, opened: a.opened, waitlisted: a.waitlisted };
  return CONTINUE;
}
