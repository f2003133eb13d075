import { CHANNEL_EVENTS, type TriggerDefinition, Type } from '@kith/sdk';

/** What an outgoing robot reports: messages that @-mention it, or are written to it one-to-one. */
export const triggers: TriggerDefinition[] = [
  {
    event: CHANNEL_EVENTS.messageReceived,
    description:
      'A member @-mentioned the robot (or wrote to it one-to-one). The address is the sender’s userid (senderStaffId) when DingTalk gives it, else senderId.',
    data: Type.Object({
      text: Type.String(),
      messageId: Type.String(),
      msgtype: Type.String(),
      senderId: Type.Union([Type.String(), Type.Null()]),
      senderStaffId: Type.Union([Type.String(), Type.Null()]),
      senderCorpId: Type.Union([Type.String(), Type.Null()]),
    }),
  },
];
