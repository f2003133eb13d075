import { PluginError } from '@kith/sdk';

/**
 * WeCom answers HTTP 200 with `{ errcode, errmsg }` (全局错误码,
 * https://developer.work.weixin.qq.com/document/path/90313). The robot's 45009 carries no wait; its
 * limit is 20 messages in a sliding minute, so a full minute is the only wait that is sure to free
 * a slot (the runtime's limiter keeps our own sends under it; a 45009 means someone else shares the key).
 */
export const ROBOT_WINDOW_MS = 60_000;

/** Codes that mean "the credential is wrong or revoked", not "this message is wrong". */
const AUTH = new Set([
  40001, // invalid secret (不合法的secret参数)
  40013, // invalid corpid
  40014, // invalid access_token
  41001, // access_token missing
  42001, // access_token expired
  48002, // API forbidden: the app lacks the permission
  60011, // no privilege to access/modify the contact
  93000, // invalid webhook url: the robot key is wrong or the robot was removed
]);

export interface WeComAnswer {
  errcode?: number;
  errmsg?: string;
}

export function errorOf(
  what: string,
  answer: WeComAnswer,
  rateLimitWaitMs = ROBOT_WINDOW_MS,
): PluginError | null {
  const code = answer.errcode ?? 0;
  if (code === 0) return null;
  const message = `WeCom ${what}: ${code} ${answer.errmsg ?? ''}`.trim();
  if (code === 45009) return PluginError.rateLimited(message, rateLimitWaitMs, { code });
  if (code === -1) return PluginError.transient(message, { code }); // 系统繁忙
  if (AUTH.has(code)) return PluginError.auth(message, { code });
  return PluginError.permanent(message, { code });
}
