import type { ChannelCapability } from '@kith/sdk';
import { call } from './client.js';
import type { SandboxConfig } from './config.js';

/** The sandbox keeps the attribution with the code and reports the code back when someone joins. */
export const createInvite: ChannelCapability<SandboxConfig>['createInvite'] = async (ctx, request) => {
  const res = await call(ctx, 'POST', '/invites', request);
  return { code: String(res?.code), url: String(res?.url) };
};
