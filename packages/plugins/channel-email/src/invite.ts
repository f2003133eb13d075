import { type ChannelCapability, linkInvite } from '@kith/sdk';
import type { EmailConfig } from './config.js';

/**
 * An invite is your sign-up page with an unguessable code whose attribution is kept here. Email
 * reports no joins: the sign-up that receives the code hands it to Kith with the new member.
 */
export const createInvite: ChannelCapability<EmailConfig>['createInvite'] = async (ctx, request) => {
  return linkInvite(ctx, request, ctx.config.inviteUrl ?? `${new URL(ctx.config.webhookUrl).origin}/join`);
};
