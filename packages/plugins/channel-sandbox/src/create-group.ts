import type { ChannelCapability } from '@kith/sdk';
import { call } from './client.js';
import type { SandboxConfig } from './config.js';

/** Sandbox groups use Kith's group id as their own, so no id map is needed. */
export const createGroup: NonNullable<ChannelCapability<SandboxConfig>['createGroup']> = async (
  ctx,
  request,
) => {
  const members = request.members.map((m) => m.address ?? m.member);
  const res = await call(ctx, 'POST', '/groups', { group: request.group, name: request.name, members });
  return { providerGroupId: String(res?.id), url: typeof res?.url === 'string' ? res.url : null };
};
