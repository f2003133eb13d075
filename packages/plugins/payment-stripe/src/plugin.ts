import { CONTEXT_VERSION, definePlugin, PAYMENT_TRIGGERS } from '@kith/sdk';
import { checkout } from './checkout.js';
import { StripeConfig } from './config.js';
import { capture, voidPayment } from './hold.js';
import { query } from './query.js';
import { refund } from './refund.js';
import { webhook } from './webhook.js';

export const stripePayments = definePlugin({
  name: 'stripe',
  version: '1.0.0',
  displayName: 'Stripe',
  description: 'Payments through Stripe Checkout: card and wallet checkouts, holds for pre-sales, refunds.',
  contextVersion: CONTEXT_VERSION,
  config: StripeConfig,
  capabilities: {
    payment: { checkout, query, refund, capture, void: voidPayment, webhook },
    triggers: PAYMENT_TRIGGERS,
  },
  // Stripe's live-mode default: 100 read and 100 write operations per second per account
  rateLimits: [{ name: 'api', max: 100, per: '1s', scope: 'connection', counts: 'calls' }],
});
