import { CONTEXT_VERSION, definePlugin } from '@kith/sdk';
import { addMember } from './add-member.js';
import { SandboxConfig } from './config.js';
import { createGroup } from './create-group.js';
import { createInvite } from './invite.js';
import { muteMember } from './mute-member.js';
import { removeMember } from './remove-member.js';
import { send } from './send.js';
import { triggers } from './triggers.js';
import { webhook } from './webhook.js';

/**
 * The sandbox channel: everything a chat channel does, against an in-memory provider
 * (`createSandbox`). Its limits mimic a chat app's, so simulations show realistic pacing.
 */
export const sandboxChannel = definePlugin({
  name: 'sandbox',
  version: '1.0.0',
  displayName: 'Sandbox',
  description: 'An in-memory chat channel with simulated members, for demos, tests and simulation.',
  contextVersion: CONTEXT_VERSION,
  config: SandboxConfig,
  capabilities: {
    channel: {
      targets: ['member', 'group'],
      formats: ['buttons', 'html', 'image', 'subject'],
      send,
      createInvite,
      createGroup,
      addMember,
      removeMember,
      muteMember,
      webhook,
    },
    triggers,
  },
  rateLimits: [
    {
      name: 'per-group',
      max: 20,
      per: '1m',
      scope: 'group',
      description: 'like a chat app: 20 messages a minute per group',
    },
    {
      name: 'overall',
      max: 30,
      per: '1s',
      scope: 'connection',
      description: 'like a bot API: 30 calls a second',
    },
  ],
});
