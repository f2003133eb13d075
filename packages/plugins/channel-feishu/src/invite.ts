import { randomBytes } from 'node:crypto';
import { type ChannelCapability, PluginError } from '@kith/sdk';
import type { FeishuConfig } from './config.js';

/** How long an invite's attribution is kept. */
const INVITE_TTL_MS = 90 * 24 * 3600 * 1000;

export const inviteKey = (code: string) => `invite:${code}`;

/**
 * A custom bot cannot mint share links, so an invite is the group's own share link (`inviteUrl`)
 * with an unguessable `kith_invite` code whose attribution is kept here. Feishu's join event
 * (im.chat.member.user.added_v1) does not say which link a member used, so joins arrive with
 * `invite: null`; the code reaches Kith through whatever page or form sees the link.
 */
export const createInvite: ChannelCapability<FeishuConfig>['createInvite'] = async (ctx, request) => {
  if (ctx.config.inviteUrl === undefined) {
    throw PluginError.permanent('set inviteUrl (the group’s share link) to create Feishu invites');
  }
  const code = randomBytes(9).toString('base64url');
  await ctx.kv.set(
    inviteKey(code),
    { attribution: request.attribution, group: request.group, member: request.member },
    { ttlMs: INVITE_TTL_MS },
  );
  const url = new URL(ctx.config.inviteUrl);
  url.searchParams.set('kith_invite', code);
  return { code, url: url.toString() };
};
