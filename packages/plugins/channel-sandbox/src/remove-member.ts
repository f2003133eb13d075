import type { ChannelCapability } from '@kith/sdk';
import { call } from './client.js';
import type { SandboxConfig } from './config.js';

export const removeMember: NonNullable<ChannelCapability<SandboxConfig>['removeMember']> = async (
  ctx,
  request,
) => {
  const address = encodeURIComponent(request.address ?? request.member);
  await call(ctx, 'DELETE', `/groups/${encodeURIComponent(request.group)}/members/${address}`);
};
