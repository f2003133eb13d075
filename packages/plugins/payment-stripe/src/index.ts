/** @kith/payment-stripe — Kith payments through Stripe Checkout. */
export { StripeConfig } from './config.js';
export { stripePayments } from './plugin.js';
export { TOLERANCE_SECONDS } from './webhook.js';
