import { randomUUID } from 'node:crypto';
import { type ChannelCapability, PluginError } from '@kith/sdk';
import { postMessage } from './client.js';
import type { FeishuConfig } from './config.js';
import { renderMessage } from './render.js';

/**
 * Posts to the bot's group. A custom bot lives in one group and cannot message members
 * directly, and its answer carries no message id: the effect's idempotency key stands in for one.
 */
export const send: ChannelCapability<FeishuConfig>['send'] = async (ctx, message) => {
  if (message.to.kind !== 'group') {
    throw PluginError.permanent('a Feishu custom bot cannot message members directly; send to its group');
  }
  const chatId = ctx.config.chatId;
  if (chatId !== undefined && message.to.group !== chatId) {
    throw PluginError.permanent(`this bot posts to group ${chatId}, not ${message.to.group}`);
  }
  await postMessage(ctx, renderMessage(message));
  return { providerMessageId: `feishu:${ctx.idempotencyKey ?? randomUUID()}` };
};
