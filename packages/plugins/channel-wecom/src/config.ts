import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

/**
 * A WeCom (企业微信) instance: a group robot that posts into one group chat, and optionally the
 * callback settings of a self-built app (接收消息: URL, Token, EncodingAESKey) for member activity,
 * and the 客户联系 secret for invite QR codes.
 */
export const WeComConfig = Type.Object({
  baseUrl: BaseUrl('https://qyapi.weixin.qq.com'),
  robotKey: Secret({
    description:
      'The key= part of the group robot’s webhook URL (group chat → 群机器人 → the robot’s details).',
  }),
  group: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Kith’s id for the robot’s group chat (list it in a pool’s groups:). When set, sends to any other group are refused; a robot posts only into its own chat.',
    }),
  ),
  corpId: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'Your 企业ID (admin console → 我的企业); callbacks for any other corp are refused.',
    }),
  ),
  callbackToken: Type.Optional(
    Secret({ description: 'The app’s callback Token (应用 → 接收消息 → 设置API接收).' }),
  ),
  encodingAesKey: Type.Optional(
    Secret({
      pattern: '^[A-Za-z0-9]{43}$',
      description: 'The app’s callback EncodingAESKey: 43 letters and digits, set beside the Token.',
    }),
  ),
  callbackWindowSeconds: Type.Integer({
    minimum: 30,
    maximum: 3600,
    default: 300,
    description:
      'Callbacks whose timestamp is further than this from our clock are refused as stale or replayed.',
  }),
  secret: Type.Optional(
    Secret({
      description:
        'Secret of an app with 客户联系 permission, for invite QR codes (「联系我」 with the invite code as state).',
    }),
  ),
  inviteUser: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'UserID of the staff member whose 「联系我」 QR code the invites add people to.',
    }),
  ),
});

export type WeComConfig = Static<typeof WeComConfig>;
