import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

/** What a playbook's `with:` block holds for a Telegram bot. */
export const TelegramConfig = Type.Object({
  baseUrl: BaseUrl(
    'https://api.telegram.org',
    'Bot API server (grammY apiRoot); change it only for a local Bot API server, a proxy or a test fake.',
  ),
  token: Secret({
    pattern: '^\\d+:[A-Za-z0-9_-]+$',
    description: 'Bot token from @BotFather (123456:ABC-…).',
  }),
  webhookSecret: Secret({
    pattern: '^[A-Za-z0-9_-]{1,256}$',
    description:
      'The secret_token given to setWebhook; Telegram sends it back in X-Telegram-Bot-Api-Secret-Token.',
  }),
  parseMode: Type.Optional(
    Type.Union([Type.Literal('HTML'), Type.Literal('MarkdownV2')], {
      description: 'How Telegram formats message text (default: plain text, nothing is interpreted).',
    }),
  ),
  joinRequests: Type.Boolean({
    default: false,
    description:
      'Invite links ask an admin to approve each join (creates_join_request); the request arrives as member.join_requested.',
  }),
  timeoutSeconds: Type.Integer({
    minimum: 1,
    maximum: 500,
    default: 30,
    description: 'How long one Bot API call may take before it counts as failed (transient).',
  }),
});

export type TelegramConfig = Static<typeof TelegramConfig>;
