import { type ChannelCapability, linkInvite } from '@kith/sdk';
import type { WebhookConfig } from './config.js';

/**
 * Invites are minted here, not at the receiver: an unguessable code whose attribution is kept in
 * the plugin's store, and reported back (with the attribution) when an inbound `member.joined`
 * names the code.
 */
export const createInvite: ChannelCapability<WebhookConfig>['createInvite'] = async (ctx, request) => {
  return linkInvite(ctx, request, ctx.config.inviteBaseUrl ?? `${new URL(ctx.config.url).origin}/join`);
};
