/**
 * A Bot API failure, answered as Telegram does: HTTP status = error_code, body
 * `{ ok: false, error_code, description, parameters? }` (https://core.telegram.org/bots/api#making-requests).
 */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }

  body(): Record<string, unknown> {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.retryAfter === undefined ? {} : { parameters: { retry_after: this.retryAfter } }),
    };
  }

  static badRequest(what: string) {
    return new BotApiError(400, `Bad Request: ${what}`);
  }

  static tooManyRequests(retryAfterSeconds: number) {
    return new BotApiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, retryAfterSeconds);
  }
}
