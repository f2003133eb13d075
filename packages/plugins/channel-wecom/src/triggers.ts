import { CHANNEL_EVENTS, type TriggerDefinition, Type } from '@kith/sdk';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** What the app's callbacks report. `address` is the WeCom UserID or ExternalUserID. */
export const triggers: TriggerDefinition[] = [
  {
    event: CHANNEL_EVENTS.memberJoined,
    description:
      'Someone added the invite user through an invite QR code (data.invite is its code, data.attribution who gets credit), or joined a customer group (group set, data.scene: invited, link or qr).',
    data: Type.Object({
      invite: Nullable(Type.String()),
      attribution: Nullable(Type.Record(Type.String(), Type.String())),
    }),
  },
  {
    event: CHANNEL_EVENTS.memberLeft,
    description: 'Someone left or was removed from a customer group, or a contact relationship ended.',
  },
  {
    event: CHANNEL_EVENTS.messageReceived,
    description: 'A member wrote to the app (data.text, data.messageId = MsgId).',
    data: Type.Object({ text: Type.String(), messageId: Type.String() }),
  },
];
