/**
 * @kith/sdk/webhook — verifying inbound webhooks: the request abstraction, HMAC helpers with
 * constant-time comparison, timestamp windows, replay protection, and Standard Webhooks.
 */
export {
  constantTimeEqual,
  type HmacAlgorithm,
  hmacSign,
  hmacVerify,
  type SignatureEncoding,
} from './hmac.js';
export { memorySeenIdStore, type SeenIdStore } from './replay.js';
export {
  bodyJson,
  bodyText,
  fromFetchRequest,
  header,
  type WebhookRequestInit,
  webhookRequest,
} from './request.js';
export {
  decodeWebhookSecret,
  generateWebhookSecret,
  STANDARD_WEBHOOK_HEADERS,
  STANDARD_WEBHOOK_TOLERANCE_MS,
  type StandardWebhookMessage,
  signStandardWebhook,
  standardWebhookHeaders,
  type VerifyStandardWebhookOptions,
  verifyStandardWebhook,
} from './standard-webhooks.js';
export { checkTimestamp, type TimestampCheck } from './timestamp.js';
export type {
  InboundEvent,
  ParsedWebhook,
  VerifyFailureReason,
  VerifyResult,
  WebhookAck,
  WebhookHandler,
  WebhookReply,
  WebhookRequest,
} from './types.js';
