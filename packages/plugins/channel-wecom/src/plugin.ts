import { createHash } from 'node:crypto';
import { CONTEXT_VERSION, definePlugin } from '@kith/sdk';
import { WeComConfig } from './config.js';
import { createInvite } from './invite.js';
import { send } from './robot/send.js';
import { triggers } from './triggers.js';
import { webhook } from './webhook.js';

/**
 * WeCom (企业微信): a group robot posts into its group chat; a self-built app's encrypted callbacks
 * bring joins, leaves and messages back; invite QR codes carry referral codes. Robots cannot create
 * groups or add members, so those operations are absent.
 */
export const wecomChannel = definePlugin({
  name: 'wecom',
  // Keep equal to package.json: journeys record the version they ran with.
  version: '1.0.0',
  displayName: 'WeCom (企业微信)',
  description:
    'Post into a WeCom group through its robot, receive customer-group joins and leaves and app messages through encrypted callbacks, and track referrals with invite QR codes.',
  contextVersion: CONTEXT_VERSION,
  config: WeComConfig,
  capabilities: {
    channel: { targets: ['group'], formats: ['image'], send, createInvite, webhook },
    triggers,
  },
  rateLimits: [
    {
      name: 'per-robot',
      max: 20,
      per: '1m',
      scope: 'connection',
      description: '群机器人配置说明: each robot may send at most 20 messages a minute',
    },
  ],
  // The robot is the connection: every instance posting with one key shares its 20 a minute.
  connectionKey: (config) =>
    `wecom-robot:${createHash('sha256').update(`${config.baseUrl}\n${config.robotKey}`).digest('hex').slice(0, 16)}`,
});
