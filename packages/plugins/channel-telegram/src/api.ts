import type { PluginContext } from '@kith/sdk';
import { Api } from 'grammy';
import type { TelegramConfig } from './config.js';
import { toTelegramError } from './errors.js';
import { grammyFetch } from './fetch-adapter.js';

/**
 * A grammY Bot API client for this call's context: `apiRoot` is the configured base URL, and
 * requests go through `ctx.fetch`. Cheap to build, so each call gets one and no client outlives
 * the context it was given.
 */
export function telegramApi(ctx: PluginContext<TelegramConfig>): Api {
  return new Api(ctx.config.token, {
    apiRoot: ctx.config.baseUrl.replace(/\/+$/, ''),
    fetch: grammyFetch(ctx.fetch),
    timeoutSeconds: ctx.config.timeoutSeconds,
  });
}

/** Runs one Bot API call, turning its failure into the PluginError kind the runtime acts on. */
export async function callTelegram<T>(
  ctx: PluginContext<TelegramConfig>,
  method: string,
  call: (api: Api) => Promise<T>,
): Promise<T> {
  try {
    return await call(telegramApi(ctx));
  } catch (e) {
    const error = toTelegramError(e, method);
    ctx.logger.warn('Telegram call failed', { method, kind: error.kind, code: error.code });
    throw error;
  }
}

/** Telegram chat ids are integers (negative for groups); `@channelname` stays a string. */
export function chatId(id: string): number | string {
  return /^-?\d+$/.test(id) ? Number(id) : id;
}
