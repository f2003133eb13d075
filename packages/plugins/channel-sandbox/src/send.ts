import type { ChannelCapability } from '@kith/sdk';
import { call } from './client.js';
import type { SandboxConfig } from './config.js';

/** Puts the message in the sandbox inbox. A member without an address is addressed by member id. */
export const send: ChannelCapability<SandboxConfig>['send'] = async (ctx, message) => {
  const to =
    message.to.kind === 'member'
      ? { kind: 'member', address: message.to.address ?? message.to.member }
      : { kind: 'group', group: message.to.group };
  const res = await call(ctx, 'POST', '/messages', { ...message, to });
  return { providerMessageId: String(res?.id) };
};
