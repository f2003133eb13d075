import { PluginError } from '@kith/sdk';
import { GrammyError, HttpError } from 'grammy';

/**
 * A failed Bot API call as a PluginError kind. Telegram puts its answer in the body
 * (`{ ok: false, error_code, description, parameters }`), which grammY surfaces as GrammyError:
 * - 429 → rate-limited after `parameters.retry_after` seconds (the flood-wait Telegram imposes);
 * - 401 (revoked token) and 404 (no bot with this token) → auth;
 * - 5xx → transient; every other 4xx (chat not found, bot blocked by the user: 403) → permanent,
 *   because a retry sends the same request to the same answer.
 * HttpError is grammY's "no usable answer" (network, timeout, a non-JSON 502): transient.
 */
export function toTelegramError(e: unknown, method: string): PluginError {
  if (e instanceof PluginError) return e;
  if (e instanceof GrammyError) {
    const code = e.error_code;
    const message = `Telegram ${method}: ${e.description}`;
    const options = { status: code, code, cause: e };
    if (code === 429) {
      const seconds = e.parameters.retry_after;
      return PluginError.rateLimited(message, seconds === undefined ? 1000 : seconds * 1000, options);
    }
    if (code === 401 || code === 404) return PluginError.auth(message, options);
    if (code >= 500) return PluginError.transient(message, options);
    return PluginError.permanent(message, options);
  }
  if (e instanceof HttpError) {
    return PluginError.transient(`Telegram ${method} unreachable: ${e.message}`, { cause: e });
  }
  return PluginError.transient(`Telegram ${method} failed: ${e instanceof Error ? e.message : String(e)}`, {
    cause: e,
  });
}
