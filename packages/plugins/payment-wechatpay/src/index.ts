/** @kith/payment-wechatpay — Kith payments through WeChat Pay API v3 (微信支付). */
export { WechatPayConfig } from './config.js';
export { decryptResource, outRefundNo, outTradeNo } from './crypto.js';
export { wechatPayments } from './plugin.js';
