/**
 * @kith/channel-telegram/testing — a local fake of the Telegram Bot API (a real HTTP server on
 * 127.0.0.1) and of the updates Telegram POSTs to webhooks, for this plugin's tests and yours.
 */
export {
  BOT,
  type CreatedLink,
  FakeBotApi,
  type FakeGroup,
  type FakeUser,
  type SentMessage,
} from './bot-api.js';
export { BotApiError } from './bot-api-error.js';
export { FAKE_GROUP, FAKE_MEMBER, FAKE_WEBHOOK_SECRET, type FakeTelegram, fakeTelegram } from './provider.js';
export {
  type Clock,
  type FakeTelegramServer,
  type FakeTelegramServerOptions,
  type RecordedCall,
  startFakeTelegram,
  type TelegramFailure,
} from './server.js';
export { UpdateFactory } from './updates.js';
