import { CHANNEL_EVENTS, type TriggerDefinition, Type } from '@kith/sdk';

const Id = Type.Union([Type.String(), Type.Null()]);
/** The member's ids: open_id (the address), union_id and user_id when the app may see them. */
const userIds = { openId: Id, unionId: Id, userId: Id };

/** What the app's event subscription reports, each from Feishu's event of the same meaning. */
export const triggers: TriggerDefinition[] = [
  {
    event: CHANNEL_EVENTS.messageReceived,
    description:
      'A member wrote in a chat the app is in, or to the app (im.message.receive_v1). Address: the sender’s open_id.',
    data: Type.Object({
      text: Type.String(),
      messageId: Type.String(),
      messageType: Type.String(),
      ...userIds,
    }),
  },
  {
    event: CHANNEL_EVENTS.memberJoined,
    description:
      'A member was added to or joined a chat (im.chat.member.user.added_v1). Feishu does not report the link used, so data.invite is null.',
    data: Type.Object({ invite: Type.Null(), attribution: Type.Null(), operator: Id, ...userIds }),
  },
  {
    event: CHANNEL_EVENTS.memberLeft,
    description: 'A member left or was removed from a chat (im.chat.member.user.deleted_v1).',
    data: Type.Object({ operator: Id, ...userIds }),
  },
];
