import type { Effect, MessageButton, MessageData } from '../../model/effect.js';
import { EFFECTS } from '../../model/effect.js';
import { POOLS_NAMESPACE, type PoolState } from '../../runtime/services/groups.js';
import type { ServiceHandler } from '../types.js';

export const RITUAL_ANNOUNCE = 'rituals.announce';

export interface AnnounceInput {
  ritual: string;
  pool: string;
  channel: string;
  text: string;
  buttons: MessageButton[];
  /** The occurrence's start: with the ritual and the group, the effect's idempotency key. */
  at: number;
}

/**
 * The groups of a pool that have members (or were configured: they exist on the channel before
 * anyone is placed in them). Only the group directory knows them, so this reads its record.
 */
async function liveGroups(
  input: AnnounceInput,
  env: Parameters<ServiceHandler>[1],
  tenant: string,
): Promise<string[]> {
  const pool = await env.store.readShared<PoolState>(tenant, POOLS_NAMESPACE, input.pool);
  if (pool === undefined) return [...(env.playbook.pools.get(input.pool)?.groups ?? [])];
  return pool.groups.filter((g) => g.size > 0 || g.external !== null).map((g) => g.id);
}

/**
 * Announces a ritual's occurrence in every group of its pool: one `message.send` per group,
 * keyed by (ritual, occurrence start, group), so a repeated firing enqueues nothing new.
 */
export const announceRitual: ServiceHandler = async (req, env) => {
  const input = req.input as unknown as AnnounceInput;
  const effects: Effect[] = (await liveGroups(input, env, req.tenant)).map((group) => {
    const data: MessageData = {
      // a community message: no member behind it
      to: { kind: 'group', member: '', pool: input.pool, group },
      text: input.text,
      subject: null,
      html: null,
      image: null,
      buttons: input.buttons,
      critical: false,
    };
    return {
      key: `${req.tenant}/ritual/${input.ritual}/${input.at}/${group}`,
      tenant: req.tenant,
      member: null,
      instance: null,
      step: null,
      type: EFFECTS.send,
      target: input.channel,
      data: data as unknown as Record<string, unknown>,
      notBefore: Math.max(env.now, input.at),
    };
  });
  if (effects.length > 0) await env.store.enqueueEffects(effects);
  return { groups: effects.length };
};
