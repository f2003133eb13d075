/** @kith/payment-alipay — Kith payments through Alipay (支付宝). */
export { outTradeNo } from './client.js';
export { AlipayConfig } from './config.js';
export { alipayPayments } from './plugin.js';
