/**
 * @kith/channel-webhook — Kith talks to any HTTP system: deliveries POSTed as Standard Webhooks
 * (webhook-id = the effect's idempotency key), inbound member activity verified the same way.
 */
export { WebhookConfig } from './config.js';
export { type Envelope, OUTBOUND } from './envelope.js';
export { webhookFake } from './fake.js';
export { webhookChannel, webhookChannel as default } from './plugin.js';
export {
  type ReceivedDelivery,
  type ReceiverFailure,
  startWebhookReceiver,
  type WebhookReceiver,
} from './receiver.js';
