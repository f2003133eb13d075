import { PluginError } from '@kith/sdk';

/** DingTalk throttles a robot for ten minutes after it sends past 20 messages a minute. */
export const THROTTLE_PENALTY_MS = 10 * 60 * 1000;

/** Codes DingTalk answers inside an HTTP 200; anything not listed is a message it will never accept. */
const RATE_LIMITED = new Set([130101, 660026]);
/** The robot's security settings refused us: sign, timestamp, keyword or IP (310000), or the token is gone. */
const AUTH = new Set([310000, 300001, 300005, 400101, 400102, 400106]);
/** System busy. */
const TRANSIENT = new Set([-1]);

export interface DingTalkAnswer {
  errcode: number;
  errmsg: string;
}

/**
 * The PluginError for a non-zero errcode. DingTalk's body names no wait, so a `Retry-After` the
 * gateway sent wins, and otherwise the documented ten-minute throttle applies.
 */
export function errorFromErrcode(answer: DingTalkAnswer, retryAfterMs: number | null): PluginError {
  const { errcode, errmsg } = answer;
  const message = `DingTalk errcode ${errcode}: ${errmsg}`;
  if (RATE_LIMITED.has(errcode)) {
    return PluginError.rateLimited(message, retryAfterMs ?? THROTTLE_PENALTY_MS, { code: errcode });
  }
  if (AUTH.has(errcode)) return PluginError.auth(message, { code: errcode });
  if (TRANSIENT.has(errcode)) return PluginError.transient(message, { code: errcode });
  return PluginError.permanent(message, { code: errcode });
}
