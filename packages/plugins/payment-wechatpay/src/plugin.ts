import { CONTEXT_VERSION, definePlugin, PAYMENT_TRIGGERS } from '@kith/sdk';
import { checkout } from './checkout.js';
import { WechatPayConfig } from './config.js';
import { query } from './query.js';
import { refund } from './refund.js';
import { webhook } from './webhook.js';

export const wechatPayments = definePlugin({
  name: 'wechatpay',
  version: '1.0.0',
  displayName: 'WeChat Pay (微信支付)',
  description: 'Payments through WeChat Pay API v3: Native QR codes and JSAPI inside WeChat, refunds.',
  contextVersion: CONTEXT_VERSION,
  config: WechatPayConfig,
  capabilities: {
    // Native and JSAPI have no authorise-then-capture: no capture or void (pre-sales are refused)
    payment: { currencies: ['CNY'], checkout, query, refund, webhook },
    triggers: PAYMENT_TRIGGERS,
  },
  connectionKey: (c) => `wechatpay:${c.mchId}`,
  // WeChat Pay rate-limits per merchant and API, of the order of hundreds per second; stay well below
  rateLimits: [{ name: 'api', max: 100, per: '1s', scope: 'connection', counts: 'calls' }],
});
