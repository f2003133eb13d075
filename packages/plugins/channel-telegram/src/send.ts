import { type ChannelCapability, PluginError } from '@kith/sdk';
import { callTelegram, chatId } from './api.js';
import type { TelegramConfig } from './config.js';
import { inlineKeyboard } from './keyboard.js';
import { alreadySent, rememberSent } from './sent-log.js';

/** Telegram's limits on one message (characters after entity parsing; we check the raw text). */
const TEXT_MAX = 4096;
const CAPTION_MAX = 1024;

/**
 * Sends to a member's private chat (their Telegram user id is the chat id) or to a group, with
 * the buttons as an inline keyboard and the image as a photo whose caption is the text.
 */
export const send: ChannelCapability<TelegramConfig>['send'] = async (ctx, message) => {
  const to = message.to;
  if (to.kind === 'member' && to.address === null) {
    // Bots cannot start chats: the member must write to the bot (or join a group) first.
    throw PluginError.permanent(`member ${to.member} has no Telegram chat with this bot yet`);
  }
  const previous = await alreadySent(ctx);
  if (previous !== undefined) return { providerMessageId: previous };
  const chat = chatId(to.kind === 'group' ? to.group : to.address!);
  const reply_markup = inlineKeyboard(message.buttons);
  const parse_mode = ctx.config.parseMode;
  let sent: { message_id: number; chat: { id: number } };
  if (message.image !== null) {
    if (message.text.length > CAPTION_MAX)
      throw PluginError.permanent(`text is over Telegram's ${CAPTION_MAX}-character photo caption`);
    sent = await callTelegram(ctx, 'sendPhoto', (api) =>
      api.sendPhoto(chat, message.image!, { caption: message.text || undefined, reply_markup, parse_mode }),
    );
  } else {
    if (message.text.length > TEXT_MAX)
      throw PluginError.permanent(`text is over Telegram's ${TEXT_MAX}-character message limit`);
    sent = await callTelegram(ctx, 'sendMessage', (api) =>
      api.sendMessage(chat, message.text, { reply_markup, parse_mode }),
    );
  }
  // message_id is only unique within its chat, so the chat is part of the id.
  const providerMessageId = `${sent.chat.id}:${sent.message_id}`;
  await rememberSent(ctx, providerMessageId);
  return { providerMessageId };
};
