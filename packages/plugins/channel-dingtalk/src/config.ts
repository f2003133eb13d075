import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

export const DingTalkConfig = Type.Object({
  baseUrl: BaseUrl('https://oapi.dingtalk.com'),
  accessToken: Secret({
    description: 'The access_token from the custom robot’s webhook URL (…/robot/send?access_token=…).',
  }),
  secret: Type.Optional(
    Secret({
      description:
        'The robot’s signing secret (加签, starts with SEC). Without it the robot must be secured by keyword or IP.',
    }),
  ),
  appSecret: Type.Optional(
    Secret({
      description:
        'AppSecret of the robot that calls Kith back when members @-mention it (outgoing callbacks). Inbound is refused without it.',
    }),
  ),
  chatId: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'The conversationId (cid…) of the robot’s group: list it in a pool’s `groups:`. A robot posts only to its own group, so sends to another group are refused.',
    }),
  ),
  inviteUrl: Type.Optional(
    Type.String({
      format: 'uri',
      description: 'The group’s join link (群二维码/邀请链接); invites are this URL with a tracking code.',
    }),
  ),
  timeoutMs: Type.Integer({
    minimum: 100,
    maximum: 60_000,
    default: 10_000,
    description: 'How long to wait for DingTalk before counting the send as failed (transient).',
  }),
});

export type DingTalkConfig = Static<typeof DingTalkConfig>;
