import { randomBytes } from 'node:crypto';
import type { ChannelCapability } from '@kith/sdk';
import type { EmailConfig } from './config.js';

/** How long an invite's attribution is kept. */
const INVITE_TTL_MS = 90 * 24 * 3600 * 1000;

export const inviteKey = (code: string) => `invite:${code}`;

/**
 * An invite is your sign-up page with an unguessable code whose attribution is kept here. Email
 * reports no joins: the sign-up that receives the code hands it to Kith with the new member.
 */
export const createInvite: ChannelCapability<EmailConfig>['createInvite'] = async (ctx, request) => {
  const code = randomBytes(9).toString('base64url');
  await ctx.kv.set(
    inviteKey(code),
    { attribution: request.attribution, group: request.group, member: request.member },
    { ttlMs: INVITE_TTL_MS },
  );
  const url = new URL(ctx.config.inviteUrl ?? `${new URL(ctx.config.webhookUrl).origin}/join`);
  url.searchParams.set('code', code);
  return { code, url: url.toString() };
};
