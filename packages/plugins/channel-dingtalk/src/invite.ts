import { randomBytes } from 'node:crypto';
import { type ChannelCapability, PluginError } from '@kith/sdk';
import type { DingTalkConfig } from './config.js';

/** How long an invite's attribution is kept. */
const INVITE_TTL_MS = 90 * 24 * 3600 * 1000;

export const inviteKey = (code: string) => `invite:${code}`;

/**
 * A robot cannot mint join links, so an invite is the group's own join link (`inviteUrl`) with an
 * unguessable `kith_invite` code whose attribution is kept here. DingTalk never reports joins to a
 * custom robot, so the code is the whole contract: a landing page or form that sees it can hand it
 * to Kith.
 */
export const createInvite: ChannelCapability<DingTalkConfig>['createInvite'] = async (ctx, request) => {
  if (ctx.config.inviteUrl === undefined) {
    throw PluginError.permanent('set inviteUrl (the group’s join link) to create DingTalk invites');
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
