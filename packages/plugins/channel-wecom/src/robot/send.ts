import { randomUUID } from 'node:crypto';
import { type ChannelCapability, PluginError } from '@kith/sdk';
import type { WeComConfig } from '../config.js';
import { errorOf, type WeComAnswer } from '../errcode.js';
import { qyapi } from '../http.js';
import { alreadySent, rememberSent } from '../sent-log.js';
import { renderRobotMessage } from './render.js';

/**
 * Posts into the robot's group chat: `POST /cgi-bin/webhook/send?key=KEY`. The robot API returns
 * no message id, so the effect's idempotency key stands in for one.
 */
export const send: ChannelCapability<WeComConfig>['send'] = async (ctx, message) => {
  const to = message.to;
  if (to.kind !== 'group')
    throw PluginError.permanent('a WeCom group robot can only post into its group chat');
  if (ctx.config.group !== undefined && to.group !== ctx.config.group) {
    throw PluginError.permanent(`this robot posts into group '${ctx.config.group}', not '${to.group}'`);
  }
  const previous = await alreadySent(ctx);
  if (previous !== undefined) return { providerMessageId: previous };
  const { body, dropped } = renderRobotMessage(message);
  if (dropped.length > 0)
    ctx.logger.warn('value buttons left out: a WeCom robot cannot report clicks', { buttons: dropped });
  const answer = await qyapi<WeComAnswer>(ctx, '/cgi-bin/webhook/send', { key: ctx.config.robotKey }, body);
  const error = errorOf('robot send', answer);
  if (error !== null) {
    ctx.logger.warn('WeCom robot refused a message', { errcode: answer.errcode, kind: error.kind });
    throw error;
  }
  const providerMessageId = ctx.idempotencyKey ?? `robot-${randomUUID()}`;
  await rememberSent(ctx, providerMessageId);
  return { providerMessageId };
};
