import { type ChannelCapability, linkInvite, PluginError } from '@kith/sdk';
import type { DingTalkConfig } from './config.js';

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
  return linkInvite(ctx, request, ctx.config.inviteUrl, 'kith_invite');
};
