/**
 * @kith/channel-feishu — Feishu / Lark (飞书) custom bots: signed sends to the bot's group (text,
 * rich text, interactive cards) and the app's event subscription (verified, decrypted) as
 * `message.received`, `member.joined` and `member.left`.
 */
export { hookUrl, signedBody } from './client.js';
export { FeishuConfig } from './config.js';
export { DEFAULT_RATE_LIMIT_WAIT_MS, errorFromCode } from './errors.js';
export {
  type ChatMemberEvent,
  EVENT_TYPES,
  type EventEnvelope,
  type EventHeader,
  type MessageReceiveEvent,
  type UrlVerification,
} from './events.js';
export { feishuFake, normaliseBotMessage } from './fake/provider.js';
export {
  type BotMessage,
  type CallbackOptions,
  type FakeFeishu,
  type FakeFeishuOptions,
  startFakeFeishu,
} from './fake/server.js';
export { feishuChannel, feishuChannel as default } from './plugin.js';
export { renderMessage, VALUE_KEY } from './render.js';
export { decryptEvent, eventSignature, feishuBotSign } from './signing.js';
