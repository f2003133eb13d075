import { createHash } from 'node:crypto';
import { CONTEXT_VERSION, definePlugin } from '@kith/sdk';
import { TelegramConfig } from './config.js';
import { createInvite } from './invite.js';
import { muteMember, removeMember } from './members.js';
import { send } from './send.js';
import { triggers } from './triggers.js';
import { webhook } from './webhook.js';

/**
 * Telegram through the Bot API (grammY). Bots cannot create groups or add people, so there is
 * no createGroup/addMember: members come in through invite links.
 */
export const telegramChannel = definePlugin({
  name: 'telegram',
  // Keep equal to package.json: journeys record the version they ran with.
  version: '1.0.0',
  displayName: 'Telegram',
  description:
    'Reach members through a Telegram bot: messages with inline buttons, per-referrer invite links, joins, leaves, replies and clicks.',
  contextVersion: CONTEXT_VERSION,
  config: TelegramConfig,
  capabilities: {
    channel: {
      targets: ['member', 'group'],
      formats: ['buttons', 'image'],
      send,
      createInvite,
      muteMember,
      removeMember,
      webhook,
    },
    triggers,
  },
  // From the Bot FAQ ("My bot is hitting limits, how do I avoid this?").
  rateLimits: [
    {
      name: 'per-group',
      max: 20,
      per: '1m',
      scope: 'group',
      description: 'Telegram Bot FAQ: a bot cannot send more than 20 messages per minute to the same group',
    },
    {
      name: 'per-bot',
      max: 30,
      per: '1s',
      scope: 'connection',
      description: 'Telegram Bot FAQ: about 30 messages per second for bulk notifications',
    },
    {
      name: 'per-chat',
      max: 1,
      per: '1s',
      scope: 'recipient',
      description: 'Telegram Bot FAQ: avoid sending more than one message per second in a single chat',
    },
  ],
  // The bot is the connection: playbooks sharing a token share its budget whatever their webhook secret.
  connectionKey: (config) =>
    `telegram:${createHash('sha256').update(`${config.baseUrl}\n${config.token}`).digest('hex').slice(0, 16)}`,
});
