import type { CompiledStepOf } from '../../compile/types.js';
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
    const by = pool.by === null ? null : (run.profile.attributes[pool.by] ?? null);
    run.request(
      GROUP_ASSIGN,
      {
        pool: pool.id,
        capacity: pool.capacity,
        shard: pool.shard,
        overflow: pool.overflow,
        existing: pool.groups,
        value: by === null ? null : String(by),
      },
      token,
    );
    return PARK;
  }
  inst.wait = null;
  inst.status = 'active';
  const a = wake.output as unknown as GroupAssignment;
  if (a.group !== null) {
    run.change({ op: 'group', pool: pool.id, group: a.group });
    if (a.opened !== null) {
      run.scope.n = a.opened;
      run.scope.group = { id: a.group, pool: pool.id };
      const data: GroupOpenData = {
        pool: pool.id,
        group: a.group,
        name: run.render(pool.name) ?? `${pool.id} #${a.opened}`,
        members: [run.state.id],
      };
      run.effect(EFFECTS.groupOpen, pool.channel, data as unknown as Record<string, unknown>);
    } else {
      const data: GroupAddData = {
        pool: pool.id,
        group: a.group,
        member: run.state.id,
        address: run.profile.identities[pool.channel] ?? null,
      };
      run.effect(EFFECTS.groupAdd, pool.channel, data as unknown as Record<string, unknown>);
    }
  }
  run.output = { group: a.group, opened: a.opened, waitlisted: a.waitlisted };
  return CONTINUE;
}
