import { createHash } from 'node:crypto';
import { CONTEXT_VERSION, definePlugin } from '@kith/sdk';
import { DingTalkConfig } from './config.js';
import { createInvite } from './invite.js';
import { send } from './send.js';
import { triggers } from './triggers.js';
import { webhook } from './webhook.js';

/**
 * DingTalk (钉钉) custom robots: messages to the robot's group, signed per DingTalk (加签), and
 * the outgoing robot's callbacks verified and normalised.
 */
export const dingtalkChannel = definePlugin({
  name: 'dingtalk',
  version: '1.0.0',
  displayName: 'DingTalk (钉钉)',
  description:
    'Post to a DingTalk group through a custom robot (text, markdown, action cards) and receive the messages members address to it.',
  contextVersion: CONTEXT_VERSION,
  config: DingTalkConfig,
  capabilities: {
    channel: {
      targets: ['group'],
      formats: ['buttons', 'image', 'subject'],
      send,
      createInvite,
      webhook,
    },
    triggers,
  },
  rateLimits: [
    {
      name: 'robot',
      max: 20,
      per: '1m',
      scope: 'connection',
      description:
        'DingTalk: each custom robot sends at most 20 messages a minute, then is throttled for 10 minutes',
    },
  ],
  // The robot is its access token: two playbooks on one robot share its 20 a minute, whatever their other keys.
  connectionKey: (config) =>
    `dingtalk:${createHash('sha256').update(`${config.baseUrl}\n${config.accessToken}`).digest('hex').slice(0, 16)}`,
});
