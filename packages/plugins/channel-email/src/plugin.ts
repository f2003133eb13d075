import { createHash } from 'node:crypto';
import { CONTEXT_VERSION, definePlugin } from '@kith/sdk';
import { EmailConfig } from './config.js';
import { createInvite } from './invite.js';
import { send } from './send.js';
import { triggers } from './triggers.js';
import { webhook } from './webhook.js';

/**
 * The email channel: SMTP through nodemailer, an HTML and a text part, RFC 8058 one-click
 * unsubscribe with signed links, and value buttons as signed links that report clicks.
 */
export const emailChannel = definePlugin({
  name: 'email',
  version: '1.0.0',
  displayName: 'Email',
  description:
    'Email members over SMTP (HTML and text), with one-click unsubscribe that opts them out and buttons that report presses.',
  contextVersion: CONTEXT_VERSION,
  config: EmailConfig,
  capabilities: {
    channel: {
      targets: ['member'],
      formats: ['buttons', 'html', 'image', 'subject'],
      send,
      createInvite,
      webhook,
    },
    triggers,
  },
  rateLimits: [
    {
      name: 'smtp',
      max: 10,
      per: '1s',
      scope: 'connection',
      description:
        'SMTP relays publish per-account limits of their own (often 10–20 a second): 10 a second is safe; tighten with rateLimit:',
    },
  ],
  // The SMTP account is the connection: playbooks sending through one login share its budget.
  connectionKey: (config) =>
    `email:${createHash('sha256')
      .update(`${config.host}:${config.port}\n${config.user ?? ''}`)
      .digest('hex')
      .slice(0, 16)}`,
});
