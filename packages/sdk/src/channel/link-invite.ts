import { randomBytes } from 'node:crypto';
import type { PluginContext } from '../context/types.js';
import type { Invite, InviteRequest } from './types.js';

/** How long an invite's attribution is kept for a join to pick up. */
export const INVITE_TTL_MS = 90 * 24 * 3600 * 1000;

/** The plugin-store key of an invite code. */
export const inviteKey = (code: string) => `invite:${code}`;

/** What is kept for an invite code: who gets credit, for which group and member. */
export interface StoredInvite {
  attribution: InviteRequest['attribution'];
  group: string | null;
  member: string | null;
}

/**
 * For channels that cannot mint join links themselves (robots, email, webhooks): an unguessable
 * code whose attribution is kept in the plugin's store, appended to a link the operator owns (a
 * group's share link, a sign-up page). Whatever sees the link hands the code back to Kith.
 */
export async function linkInvite(
  ctx: PluginContext<unknown>,
  request: InviteRequest,
  base: string,
  param = 'code',
): Promise<Invite> {
  const code = randomBytes(9).toString('base64url');
  const stored: StoredInvite = {
    attribution: request.attribution,
    group: request.group,
    member: request.member,
  };
  await ctx.kv.set(inviteKey(code), stored, { ttlMs: INVITE_TTL_MS });
  const url = new URL(base);
  url.searchParams.set(param, code);
  return { code, url: url.toString() };
}

/** The invite stored for a code by {@link linkInvite}, if it has not expired. */
export function readInvite(ctx: PluginContext<unknown>, code: string): Promise<StoredInvite | undefined> {
  return ctx.kv.get<StoredInvite>(inviteKey(code));
}
