/**
 * @kith/channel-telegram — Kith channel plugin for Telegram bots (Bot API through grammY).
 * The local fake Bot API server for tests lives at `@kith/channel-telegram/testing`.
 */
export { TelegramConfig } from './config.js';
export { INVITE_CODE } from './invite-codes.js';
export { telegramChannel, telegramChannel as default } from './plugin.js';
export { JOIN_REQUESTED, type TelegramUpdate } from './updates.js';
export { SECRET_HEADER } from './webhook.js';
