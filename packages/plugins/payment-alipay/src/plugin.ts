import { CONTEXT_VERSION, definePlugin, PAYMENT_TRIGGERS } from '@kith/sdk';
import { checkout } from './checkout.js';
import { AlipayConfig } from './config.js';
import { query } from './query.js';
import { refund } from './refund.js';
import { webhook } from './webhook.js';

export const alipayPayments = definePlugin({
  name: 'alipay',
  version: '1.0.0',
  displayName: 'Alipay (支付宝)',
  description: 'Payments through Alipay: QR codes (当面付 precreate) and desktop page pay, refunds.',
  contextVersion: CONTEXT_VERSION,
  config: AlipayConfig,
  capabilities: {
    // precreate and page pay settle at once: no capture or void (pre-sales are refused)
    payment: { currencies: ['CNY'], checkout, query, refund, webhook },
    triggers: PAYMENT_TRIGGERS,
  },
  connectionKey: (c) => `alipay:${c.appId}`,
  rateLimits: [{ name: 'api', max: 50, per: '1s', scope: 'connection', counts: 'calls' }],
});
