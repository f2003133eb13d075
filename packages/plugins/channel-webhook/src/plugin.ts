import { CHANNEL_EVENTS, CONTEXT_VERSION, definePlugin } from '@kith/sdk';
import { WebhookConfig } from './config.js';
import { addMember, createGroup, muteMember, removeMember } from './groups.js';
import { inbound } from './inbound.js';
import { createInvite } from './invite.js';
import { send } from './send.js';

/**
 * The webhook channel: connects Kith to any system that can receive and send signed HTTP
 * requests (a CRM, a custom app, Zapier). Outbound and inbound follow Standard Webhooks.
 */
export const webhookChannel = definePlugin({
  name: 'webhook',
  version: '1.0.0',
  displayName: 'Webhook',
  description:
    'Deliver messages and group changes to your own endpoint as signed Standard Webhooks; receive member activity the same way.',
  contextVersion: CONTEXT_VERSION,
  config: WebhookConfig,
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
      webhook: inbound,
    },
    triggers: [
      {
        event: CHANNEL_EVENTS.memberJoined,
        description: 'Your system reports a member joining (data.invite, data.attribution).',
      },
      { event: CHANNEL_EVENTS.memberLeft, description: 'Your system reports a member leaving.' },
      {
        event: CHANNEL_EVENTS.messageReceived,
        description: 'Your system forwards a member’s message (data.text).',
      },
      {
        event: CHANNEL_EVENTS.buttonClicked,
        description: 'Your system reports a button press (data.value).',
      },
    ],
  },
  // Receivers differ; this keeps one endpoint from being flooded. Tighten with `rateLimit:` in the playbook.
  rateLimits: [
    {
      name: 'endpoint',
      max: 50,
      per: '1s',
      scope: 'connection',
      description: 'at most 50 deliveries a second per URL',
    },
  ],
  // The endpoint is the connection: two instances posting to one URL share its budget.
  connectionKey: (config) => `webhook:${new URL(config.url).origin}${new URL(config.url).pathname}`,
});
