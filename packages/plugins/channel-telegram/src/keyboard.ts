import { type MessageButton, PluginError } from '@kith/sdk';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';

/** Telegram refuses callback_data longer than this (bytes, BUTTON_DATA_INVALID). */
export const CALLBACK_DATA_MAX_BYTES = 64;

function button(b: MessageButton): InlineKeyboardButton {
  // A link opens in the member's browser; Telegram reports nothing back, as the playbook language says.
  if (b.url !== null) return { text: b.text, url: b.url };
  const value = b.value ?? b.text;
  if (Buffer.byteLength(value, 'utf8') > CALLBACK_DATA_MAX_BYTES) {
    throw PluginError.permanent(
      `button value '${value.slice(0, 20)}…' is longer than Telegram's ${CALLBACK_DATA_MAX_BYTES}-byte callback_data`,
    );
  }
  return { text: b.text, callback_data: value };
}

/**
 * Buttons as an inline keyboard, one per row (labels stay readable on phones). A value button's
 * value is its callback_data and comes back as `button.clicked`; a button without a value sends
 * its label.
 */
export function inlineKeyboard(buttons: readonly MessageButton[]): InlineKeyboardMarkup | undefined {
  if (buttons.length === 0) return undefined;
  return { inline_keyboard: buttons.map((b) => [button(b)]) };
}
