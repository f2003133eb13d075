import { errorFromResponse, type PluginContext, PluginError, retryAfterMs } from '@kith/sdk';
import type { DingTalkConfig } from './config.js';
import { type DingTalkAnswer, errorFromErrcode } from './errors.js';
import { dingtalkSign } from './signing.js';

/** The robot's send URL: access_token, and with a secret the millisecond timestamp and its sign. */
export function sendUrl(config: DingTalkConfig, now: number): string {
  const url = new URL('/robot/send', config.baseUrl);
  url.searchParams.set('access_token', config.accessToken);
  if (config.secret !== undefined) {
    url.searchParams.set('timestamp', String(now));
    // URLSearchParams percent-encodes the base64 (+, /, =), which is the urlencode DingTalk asks for.
    url.searchParams.set('sign', dingtalkSign(config.secret, now));
  }
  return url.toString();
}

function isAnswer(v: unknown): v is DingTalkAnswer {
  return typeof v === 'object' && v !== null && typeof (v as DingTalkAnswer).errcode === 'number';
}

/**
 * POSTs one robot message. DingTalk answers HTTP 200 with `errcode`; HTTP failures (a gateway's
 * 429 or 5xx) map the usual way. Never logs the URL: it carries the token.
 */
export async function postMessage(ctx: PluginContext<DingTalkConfig>, body: unknown): Promise<void> {
  const now = ctx.clock.now();
  let res: Response;
  try {
    res = await ctx.fetch(sendUrl(ctx.config, now), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(ctx.config.timeoutMs),
    });
  } catch (e) {
    throw PluginError.transient(`DingTalk unreachable: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw errorFromResponse(res, { message: `DingTalk answered ${res.status}`, now });
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw PluginError.transient(`DingTalk answered 200 without JSON: ${text.slice(0, 120)}`);
  }
  if (!isAnswer(answer)) throw PluginError.transient('DingTalk answered 200 without an errcode');
  if (answer.errcode === 0) return;
  ctx.logger.warn('DingTalk refused the message', { errcode: answer.errcode, errmsg: answer.errmsg });
  throw errorFromErrcode(answer, retryAfterMs(res.headers.get('retry-after'), now));
}
