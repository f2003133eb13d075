import { PluginError } from '@kith/sdk';

/**
 * With no `Retry-After`, wait out the longest published window (100 requests a minute): Feishu's
 * answer does not say which limit was hit.
 */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** The bot's security settings or the hook itself refused us: sign/timestamp, IP, keyword, token, disabled. */
const AUTH = new Set([19001, 19007, 19021, 19022, 19024]);

export interface FeishuAnswer {
  code: number;
  msg: string;
}

/**
 * The PluginError for a non-zero `code`. 11232 ("frequency limited") is always a rate limit;
 * 9499 is Feishu's gateway code for both "too many request" and "Bad Request", so its message decides.
 */
export function errorFromCode(
  answer: FeishuAnswer,
  retryAfterMs: number | null,
  status: number,
): PluginError {
  const { code, msg } = answer;
  const message = `Feishu code ${code}: ${msg}`;
  const options = { code, status };
  if (code === 11232 || (code === 9499 && /too many|frequency/i.test(msg)) || status === 429) {
    return PluginError.rateLimited(message, retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS, options);
  }
  if (AUTH.has(code)) return PluginError.auth(message, options);
  if (status >= 500) return PluginError.transient(message, options);
  return PluginError.permanent(message, options);
}
