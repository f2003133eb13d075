import { randomBytes } from 'node:crypto';
import type { ChannelCapability } from '@kith/sdk';
import type { WebhookConfig } from './config.js';

/** How long an invite's attribution is kept for the join to pick up. */
const INVITE_TTL_MS = 90 * 24 * 3600 * 1000;

export const inviteKey = (code: string) => `invite:${code}`;

/**
 * Invites are minted here, not at the receiver: an unguessable code whose attribution is kept in
 * the plugin's store, and reported back (with the attribution) when an inbound `member.joined`
 * names the code.
 */
export const createInvite: ChannelCapability<WebhookConfig>['createInvite'] = async (ctx, request) => {
  const code = randomBytes(9).toString('base64url');
  await ctx.kv.set(
    inviteKey(code),
    { attribution: request.attribution, group: request.group, member: request.member },
    { ttlMs: INVITE_TTL_MS },
  );
  const base = ctx.config.inviteBaseUrl ?? `${new URL(ctx.config.url).origin}/join`;
  const url = new URL(base);
  url.searchParams.set('code', code);
  return { code, url: url.toString() };
};
