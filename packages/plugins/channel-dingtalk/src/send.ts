import { randomUUID } from 'node:crypto';
import { type ChannelCapability, PluginError } from '@kith/sdk';
import { postMessage } from './client.js';
import type { DingTalkConfig } from './config.js';
import { renderMessage } from './render.js';

/**
 * Posts to the robot's group. A custom robot lives in one group and cannot message members
 * directly, and its answer carries no message id: the effect's idempotency key stands in for one.
 */
export const send: ChannelCapability<DingTalkConfig>['send'] = async (ctx, message) => {
  if (message.to.kind !== 'group') {
    throw PluginError.permanent('a DingTalk custom robot cannot message members directly; send to its group');
  }
  const chatId = ctx.config.chatId;
  if (chatId !== undefined && message.to.group !== chatId) {
    throw PluginError.permanent(`this robot posts to group ${chatId}, not ${message.to.group}`);
  }
  await postMessage(ctx, renderMessage(message));
  return { providerMessageId: `dingtalk:${ctx.idempotencyKey ?? randomUUID()}` };
};
