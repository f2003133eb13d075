import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

export const FeishuConfig = Type.Object({
  baseUrl: BaseUrl(
    'https://open.feishu.cn',
    'Open platform base URL: https://open.feishu.cn (飞书) or https://open.larksuite.com (Lark); change it only for a proxy or a test fake.',
  ),
  hookToken: Secret({
    description: 'The token at the end of the custom bot’s webhook URL (…/open-apis/bot/v2/hook/<token>).',
  }),
  secret: Type.Optional(
    Secret({
      description:
        'The custom bot’s signing secret (签名校验). Without it the bot must be secured by keyword or IP allowlist.',
    }),
  ),
  verificationToken: Type.Optional(
    Secret({
      description:
        'Verification Token of the app whose event subscription calls Kith (事件与回调 > 加密策略). Inbound is refused without it.',
    }),
  ),
  encryptKey: Type.Optional(
    Secret({
      description:
        'Encrypt Key of that app: events arrive AES-encrypted and signed (X-Lark-Signature). Strongly recommended.',
    }),
  ),
  chatId: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'The chat id (oc_…) of the bot’s group: list it in a pool’s `groups:`. A custom bot posts only to its own group, so sends to another group are refused.',
    }),
  ),
  inviteUrl: Type.Optional(
    Type.String({
      format: 'uri',
      description: 'The group’s share link (群分享链接); invites are this URL with a tracking code.',
    }),
  ),
  timeoutMs: Type.Integer({
    minimum: 100,
    maximum: 60_000,
    default: 10_000,
    description: 'How long to wait for Feishu before counting the send as failed (transient).',
  }),
});

export type FeishuConfig = Static<typeof FeishuConfig>;
