import { type ChannelCapability, linkInvite, PluginError } from '@kith/sdk';
import type { FeishuConfig } from './config.js';

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
  return linkInvite(ctx, request, ctx.config.inviteUrl, 'kith_invite');
};
