import { CHANNEL_EVENTS, type TriggerDefinition, Type } from '@kith/sdk';
import { JOIN_REQUESTED } from './updates.js';

const Attribution = Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]);
const Invite = Type.Union([Type.String(), Type.Null()]);

/** What the bot's webhook reports; `address` is always the member's Telegram user id. */
export const triggers: TriggerDefinition[] = [
  {
    event: CHANNEL_EVENTS.memberJoined,
    description:
      'A member joined a group (chat_member update) or opened the bot through a deep link; data.invite is the invite code, data.attribution who gets credit.',
    data: Type.Object({ invite: Invite, attribution: Attribution }),
  },
  {
    event: CHANNEL_EVENTS.memberLeft,
    description: 'A member left or was removed from a group (chat_member update).',
    data: Type.Object({}),
  },
  {
    event: CHANNEL_EVENTS.messageReceived,
    description: 'A member wrote to the bot or in a group the bot reads (data.text; a photo’s caption).',
    data: Type.Object({ text: Type.String(), messageId: Type.String() }),
  },
  {
    event: CHANNEL_EVENTS.buttonClicked,
    description: 'A member pressed an inline button; data.value is the button’s value.',
    data: Type.Object({ value: Type.String(), messageId: Type.Union([Type.String(), Type.Null()]) }),
  },
  {
    event: JOIN_REQUESTED,
    description:
      'Someone asked to join through an invite link that needs approval (joinRequests: true); data.invite and data.attribution as for member.joined.',
    data: Type.Object({ invite: Invite, attribution: Attribution }),
  },
];
