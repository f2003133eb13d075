import { errorFromResponse, type PluginContext, PluginError, retryAfterMs } from '@kith/sdk';
import type { FeishuConfig } from './config.js';
import { errorFromCode, type FeishuAnswer } from './errors.js';
import { feishuBotSign } from './signing.js';

/** The custom bot's webhook: POST /open-apis/bot/v2/hook/<token>. */
export function hookUrl(config: FeishuConfig): string {
  return new URL(`/open-apis/bot/v2/hook/${encodeURIComponent(config.hookToken)}`, config.baseUrl).toString();
}

/** The body with `timestamp` (seconds, as a string) and `sign` added when the bot has a secret. */
export function signedBody(config: FeishuConfig, message: Record<string, unknown>, now: number) {
  if (config.secret === undefined) return message;
  const timestamp = String(Math.floor(now / 1000));
  return { timestamp, sign: feishuBotSign(config.secret, timestamp), ...message };
}

/** Feishu answers `{code, msg, data}`; older deployments `{StatusCode, StatusMessage}`. */
function answerOf(v: unknown): FeishuAnswer | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const code = typeof o.code === 'number' ? o.code : o.StatusCode;
  if (typeof code !== 'number') return null;
  return { code, msg: String(o.msg ?? o.StatusMessage ?? '') };
}

/**
 * POSTs one bot message. Feishu reports most failures as a `code` in the body (often with HTTP
 * 200, sometimes 400), so the body is read before the status. Never logs the URL: it carries the token.
 */
export async function postMessage(ctx: PluginContext<FeishuConfig>, message: Record<string, unknown>) {
  const now = ctx.clock.now();
  let res: Response;
  try {
    res = await ctx.fetch(hookUrl(ctx.config), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(signedBody(ctx.config, message, now)),
      signal: AbortSignal.timeout(ctx.config.timeoutMs),
    });
  } catch (e) {
    throw PluginError.transient(`Feishu unreachable: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const text = await res.text().catch(() => '');
  let answer: FeishuAnswer | null = null;
  try {
    answer = answerOf(JSON.parse(text));
  } catch {
    // not JSON: judged by the status below
  }
  if (answer === null) {
    if (!res.ok) throw errorFromResponse(res, { message: `Feishu answered ${res.status}`, now });
    throw PluginError.transient(`Feishu answered ${res.status} without a code: ${text.slice(0, 120)}`);
  }
  if (answer.code === 0 && res.ok) return;
  ctx.logger.warn('Feishu refused the message', { code: answer.code, msg: answer.msg, status: res.status });
  throw errorFromCode(answer, retryAfterMs(res.headers.get('retry-after'), now), res.status);
}
