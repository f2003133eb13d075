import { CONTEXT_VERSION, definePlugin, PAYMENT_TRIGGERS } from '@kith/sdk';
import { checkout } from './checkout.js';
import { SandboxConfig } from './config.js';
import { capture, query, refund, voidPayment } from './operations.js';
import { webhook } from './webhook.js';

export const sandboxPayments = definePlugin({
  name: 'payment-sandbox',
  version: '1.0.0',
  displayName: 'Payment sandbox',
  description:
    'Pays, fails or refunds by rule, deterministically per order: for demos, tests and simulation.',
  contextVersion: CONTEXT_VERSION,
  config: SandboxConfig,
  capabilities: {
    payment: { checkout, query, refund, capture, void: voidPayment, webhook },
    triggers: PAYMENT_TRIGGERS,
  },
});
