import type { ChannelCapability } from '@kith/sdk';
import { call } from './client.js';
import type { SandboxConfig } from './config.js';

/** A full group answers 409, which maps to a permanent error: retrying cannot make room. */
export const addMember: NonNullable<ChannelCapability<SandboxConfig>['addMember']> = async (ctx, request) => {
  await call(ctx, 'POST', `/groups/${encodeURIComponent(request.group)}/members`, {
    address: request.address ?? request.member,
  });
};
