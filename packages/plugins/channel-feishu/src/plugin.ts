import { createHash } from 'node:crypto';
import { CONTEXT_VERSION, definePlugin } from '@kith/sdk';
import { FeishuConfig } from './config.js';
import { createInvite } from './invite.js';
import { send } from './send.js';
import { triggers } from './triggers.js';
import { webhook } from './webhook.js';

/**
 * Feishu / Lark (飞书) custom bots: signed messages to the bot's group (text, rich text,
 * interactive cards), and the app's event subscription verified, decrypted and normalised.
 */
export const feishuChannel = definePlugin({
  name: 'feishu',
  version: '1.0.0',
  displayName: 'Feishu / Lark (飞书)',
  description:
    'Post to a Feishu or Lark group through a custom bot (text, rich text, cards with buttons) and receive messages, joins and leaves from an app’s event subscription.',
  contextVersion: CONTEXT_VERSION,
  config: FeishuConfig,
  capabilities: {
    channel: {
      targets: ['group'],
      formats: ['buttons', 'subject'],
      send,
      createInvite,
      webhook,
    },
    triggers,
  },
  rateLimits: [
    {
      name: 'bot-per-second',
      max: 5,
      per: '1s',
      scope: 'connection',
      counts: 'calls',
      description: 'Feishu custom bots: 5 requests a second per bot',
    },
    {
      name: 'bot-per-minute',
      max: 100,
      per: '1m',
      scope: 'connection',
      counts: 'calls',
      description: 'Feishu custom bots: 100 requests a minute per bot',
    },
  ],
  // The bot is its hook token: playbooks sharing a bot share its budget, whatever their other keys.
  connectionKey: (config) =>
    `feishu:${createHash('sha256').update(`${config.baseUrl}\n${config.hookToken}`).digest('hex').slice(0, 16)}`,
});
