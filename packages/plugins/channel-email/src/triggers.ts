import { CHANNEL_EVENTS, type TriggerDefinition, Type } from '@kith/sdk';
import { UNSUBSCRIBED } from './events.js';

export const triggers: TriggerDefinition[] = [
  {
    event: UNSUBSCRIBED,
    description:
      'A member unsubscribed through a link in an email or their mail client’s one-click button. The engine must stop emailing them on this channel (data.channel). data.via: "one-click" or "link".',
    data: Type.Object({
      via: Type.Union([Type.Literal('one-click'), Type.Literal('link')]),
      messageRef: Type.String(),
    }),
  },
  {
    event: CHANNEL_EVENTS.buttonClicked,
    description: 'A member pressed a value button in an email and confirmed; data.value is the button value.',
    data: Type.Object({ value: Type.String(), messageId: Type.String() }),
  },
];
