import type { ChannelCapability } from '@kith/sdk';
import type { WebhookConfig } from './config.js';
import { deliver } from './deliver.js';
import { OUTBOUND } from './envelope.js';

type Channel = ChannelCapability<WebhookConfig>;

/** Group management is forwarded as envelopes; the receiver owns the groups, so ids pass through. */
export const createGroup: NonNullable<Channel['createGroup']> = async (ctx, request) => {
  await deliver(ctx, OUTBOUND.groupCreate, {
    group: request.group,
    name: request.name,
    members: request.members,
  });
  return { providerGroupId: request.group, url: null };
};

export const addMember: NonNullable<Channel['addMember']> = async (ctx, request) => {
  await deliver(ctx, OUTBOUND.memberAdd, { ...request });
};

export const removeMember: NonNullable<Channel['removeMember']> = async (ctx, request) => {
  await deliver(ctx, OUTBOUND.memberRemove, { ...request });
};

export const muteMember: NonNullable<Channel['muteMember']> = async (ctx, request) => {
  await deliver(ctx, OUTBOUND.memberMute, { ...request });
};
