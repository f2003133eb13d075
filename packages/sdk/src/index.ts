/**
 * @kith/sdk — write Kith plugins: `definePlugin`, the channel / payment / action contracts, the
 * versioned PluginContext, errors as data, rate limits per provider connection, and the host
 * side the runtime uses to run plugins. Webhook verification: `@kith/sdk/webhook`. Test kit:
 * `@kith/sdk/testing`.
 */

// TypeBox, re-exported so plugins build schemas with the SDK's own copy.
export { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
export {
  INVITE_TTL_MS,
  inviteKey,
  linkInvite,
  readInvite,
  type StoredInvite,
} from './channel/link-invite.js';
export {
  CHANNEL_EVENTS,
  type ChannelCapability,
  type ChannelFormat,
  type ChannelTarget,
  type CreatedGroup,
  type CreateGroupRequest,
  type GroupMember,
  type Invite,
  type InviteRequest,
  inboundEventId,
  type MembershipRequest,
  type MuteRequest,
  type OutboundMessage,
  type OutboundRecipient,
  type SendResult,
} from './channel/types.js';
export {
  type ConfigIssue,
  type ConfigIssueCode,
  type ConfigResult,
  checkPluginConfig,
  resolveConfig,
  type SecretSource,
} from './config/resolve-config.js';
export { contextIncompatibility, SUPPORTED_CONTEXT_VERSIONS } from './context/compat.js';
export { type ContextOptions, createPluginContext } from './context/create-context.js';
export { createLogger, redact, silentSink } from './context/logger.js';
export { memoryKv } from './context/memory-kv.js';
export {
  CONTEXT_VERSION,
  type ContextVersion,
  type Fetch,
  type KvSetOptions,
  type KvStore,
  type LogEntry,
  type LogFields,
  type Logger,
  type LogLevel,
  type LogSink,
  type PluginClock,
  type PluginContext,
} from './context/types.js';
export type {
  DeliveryResult,
  Effect,
  Effects,
  EventInput,
  MessageButton,
  MessageData,
  Recipient,
} from './engine.js';
export {
  type ErrorFromResponseOptions,
  errorFromResponse,
  type ResponseLike,
  retryAfterMs,
} from './errors/http.js';
export {
  isPluginError,
  PLUGIN_ERROR_KINDS,
  PluginError,
  type PluginErrorData,
  type PluginErrorKind,
  type PluginErrorOptions,
  toPluginError,
} from './errors/plugin-error.js';
export {
  createEffectDeliverer,
  DEFAULT_RATE_LIMIT_MARGIN,
  type DelivererOptions,
  type DeliveryOutcome,
  type EffectDeliverer,
  toDeliveryResult,
} from './host/deliverer.js';
export { type AddressLookup, dispatchEffect, limitScope } from './host/dispatch.js';
export {
  type InstanceOptions,
  type InstanceResult,
  instantiatePlugin,
  type PluginInstance,
} from './host/instance.js';
export {
  answerWebhook,
  handleWebhook,
  type WebhookOptions,
  type WebhookOutcome,
} from './host/webhook.js';
export {
  PAYMENT_TRIGGERS,
  type PaymentFailed,
  type PaymentRefunded,
  type PaymentSucceeded,
  paymentFailed,
  paymentRefunded,
  paymentSucceeded,
} from './payment/events.js';
export { currencyExponent, formatMinor, isMinorAmount, parseMinor } from './payment/money.js';
export {
  type CaptureMode,
  type CaptureRequest,
  type Checkout,
  type CheckoutRequest,
  PAYMENT_EFFECTS,
  PAYMENT_EVENTS,
  type PaymentCapability,
  type PaymentQuery,
  type PaymentState,
  type PaymentStatus,
  type RefundRequest,
  type RefundResult,
  type VoidRequest,
} from './payment/types.js';
export {
  ACTION_NAME_PATTERN,
  type ActionDefinition,
  defineAction,
  type PluginAction,
} from './plugin/action.js';
export { type CatalogueEntry, type JsonSchema, pluginCatalogueEntry } from './plugin/catalogue.js';
export { definePlugin } from './plugin/define-plugin.js';
export { DefinitionError } from './plugin/definition-error.js';
export { isPluginName, PLUGIN_NAME_PATTERN } from './plugin/name.js';
export type {
  Plugin,
  PluginCapabilities,
  PluginConfig,
  PluginDefinition,
  Trigger,
  TriggerDefinition,
} from './plugin/types.js';
export {
  bucketsFor,
  createRateLimiter,
  instanceLimits,
  type RateLimiter,
  type RateLimitKey,
} from './rate-limit/limiter.js';
export {
  type MemoryRateLimiterStore,
  memoryRateLimiterStore,
  type RateLimiterStore,
} from './rate-limit/store.js';
export {
  parseDuration,
  RATE_LIMIT_SCOPES,
  type RateLimit,
  type RateLimitCounts,
  type RateLimitDefinition,
  type RateLimitScope,
} from './rate-limit/types.js';
export { type BucketSpec, earliestCommonSlot, earliestSlot, fits, recordSlot } from './rate-limit/window.js';
export { checkValue, type SchemaIssue } from './schema/check.js';
export {
  BaseUrl,
  type FieldOptions,
  isSecretSchema,
  SECRET_ANNOTATION,
  Secret,
  secretPaths,
} from './schema/secret.js';
export {
  type PluginUse,
  parsePluginUse,
  type ResolveUseResult,
  resolvePluginUse,
  type UseError,
  type UseErrorCode,
} from './version/resolve-use.js';
export type {
  InboundEvent,
  ParsedWebhook,
  VerifyFailureReason,
  VerifyResult,
  WebhookAck,
  WebhookHandler,
  WebhookReply,
  WebhookRequest,
} from './webhook/types.js';
