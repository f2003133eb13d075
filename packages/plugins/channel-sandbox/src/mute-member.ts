import type { ChannelCapability } from '@kith/sdk';
import { call } from './client.js';
import type { SandboxConfig } from './config.js';

export const muteMember: NonNullable<ChannelCapability<SandboxConfig>['muteMember']> = async (
  ctx,
  request,
) => {
  await call(ctx, 'POST', `/groups/${encodeURIComponent(request.group)}/mutes`, {
    address: request.address ?? request.member,
    untilMs: request.untilMs,
  });
};
