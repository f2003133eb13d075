import { CHANNEL_EVENTS, type TriggerDefinition, Type } from '@kith/sdk';

/** The events the sandbox reports; the same four every chat channel reports. */
export const triggers: TriggerDefinition[] = [
  {
    event: CHANNEL_EVENTS.memberJoined,
    description:
      'A member joined, possibly through an invite (data.invite is its code, data.attribution who gets credit).',
    data: Type.Object({
      invite: Type.Union([Type.String(), Type.Null()]),
      attribution: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
    }),
  },
  { event: CHANNEL_EVENTS.memberLeft, description: 'A member left the community or a group.' },
  {
    event: CHANNEL_EVENTS.messageReceived,
    description: 'A member wrote a message.',
    data: Type.Object({ text: Type.String(), messageId: Type.String() }),
  },
  {
    event: CHANNEL_EVENTS.buttonClicked,
    description: 'A member pressed a button; data.value is the button value.',
    data: Type.Object({ value: Type.String(), messageId: Type.Union([Type.String(), Type.Null()]) }),
  },
];
