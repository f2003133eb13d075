import { type Static, type TSchema, Type } from '@sinclair/typebox';
import {
  AnyValue,
  Bool,
  Duration,
  doc,
  EventName,
  Expression,
  Id,
  Int,
  Obj,
  Ref,
  Template,
} from './common.js';

const Button = Obj(
  {
    text: Template('Button label.', ['Yes, sign me up']),
    value: Type.String(doc('Sent back in the `button.clicked` event as `event.value`.', ['yes'])),
    url: Type.String(doc('Open a link instead of sending an event.', ['https://example.com/guide'])),
  },
  {
    additionalProperties: false,
    required: ['text'],
    ...doc('A button under a message.', [{ text: 'Yes', value: 'yes' }]),
  },
);

export const Send = Obj(
  {
    via: Ref('channels', 'The channel instance to send through.', ['group']),
    to: Type.Union([Type.Literal('member'), Type.Literal('group'), Type.Literal('referrer')], {
      ...doc(
        'Who receives it: `member` (a direct message, the default), `group` (the member’s group in the channel), or `referrer` (the member who invited this one).',
        ['member', 'group'],
      ),
    }),
    text: Template('Message text (Liquid template).', ['Welcome {{ member.name }} to {{ params.brand }}!']),
    subject: Template('Subject line, for email.', ['Your first week at {{ params.brand }}']),
    html: Template('HTML body, for email.', ['<p>Welcome {{ member.name }}</p>']),
    image: Type.String(doc('URL of an image to attach.', ['https://example.com/welcome.png'])),
    buttons: Type.Array(Button, doc('Buttons under the message.', [[{ text: 'Yes', value: 'yes' }]])),
    critical: Bool(doc('Bypass quiet hours and frequency caps (receipts, security notices).', [false])),
  },
  {
    additionalProperties: false,
    required: ['via'],
    ...doc('Send a message.', [{ via: 'group', text: 'Welcome {{ member.name }}' }]),
  },
);

export const WaitEvent = Obj(
  {
    event: EventName('The event to wait for.', ['payment.succeeded']),
    filter: Expression('Only an event for which this holds ends the wait.', ["event.offer == 'starter-box'"]),
    timeout: Duration('Give up after this long and run `onTimeout`.', ['3d']),
  },
  {
    additionalProperties: false,
    required: ['event', 'timeout'],
    ...doc('Wait for an event, with a timeout.', [{ event: 'payment.succeeded', timeout: '3d' }]),
  },
);

export const Wait = Type.Union(
  [
    Duration('Wait this long.', ['1d', '2h']),
    Obj(
      { for: Duration('Wait this long.', ['1d']) },
      { additionalProperties: false, required: ['for'], ...doc('Wait for a duration.', [{ for: '1d' }]) },
    ),
    Obj(
      {
        until: Type.String(
          doc('Wait until a local time of day (`HH:MM`, the next one) or an ISO 8601 date-time.', [
            '09:00',
            '2026-12-24T20:00:00+08:00',
          ]),
        ),
        timezone: Type.String({
          format: 'kith-timezone',
          ...doc('Time zone of `until` (default: the member’s).', ['Asia/Shanghai']),
        }),
      },
      {
        additionalProperties: false,
        required: ['until'],
        ...doc('Wait until a time.', [{ until: '09:00' }]),
      },
    ),
    WaitEvent,
  ],
  doc(
    'Pause the journey: a duration, until a time, or until an event arrives (with a timeout). After a wait for an event, `event` in later steps is the event that ended the wait.',
    ['1d', { until: '09:00' }, { event: 'payment.succeeded', timeout: '3d' }],
  ),
);

const Split = <T extends TSchema>(Self: T) =>
  Type.Array(
    Obj(
      {
        variant: Id('Variant name, reported in analytics.', ['a', 'short-copy']),
        weight: Int({ minimum: 0, ...doc('Relative share of members.', [50]) }),
        steps: Type.Array(
          Self,
          doc('Steps for members in this variant.', [[{ id: 'a1', send: { via: 'group', text: 'Hi' } }]]),
        ),
      },
      {
        additionalProperties: false,
        required: ['variant', 'weight', 'steps'],
        ...doc('One arm of an A/B split.', [{ variant: 'a', weight: 50, steps: [] }]),
      },
    ),
    {
      minItems: 2,
      ...doc('A/B split: each member lands in one variant by a stable hash of (member, step id).', [
        [
          { variant: 'a', weight: 50, steps: [] },
          { variant: 'b', weight: 50, steps: [] },
        ],
      ]),
    },
  );

const Tag = Type.Union(
  [
    Type.String(doc('A tag to add.', ['vip'])),
    Obj(
      {
        add: Type.Array(Type.String(doc('A tag.', ['vip'])), doc('Tags to add.', [['vip']])),
        remove: Type.Array(Type.String(doc('A tag.', ['trial'])), doc('Tags to remove.', [['trial']])),
      },
      {
        additionalProperties: false,
        ...doc('Tags to add and remove.', [{ add: ['vip'], remove: ['trial'] }]),
      },
    ),
  ],
  doc('Add (or add and remove) member tags.', ['vip', { add: ['vip'], remove: ['trial'] }]),
);

const Score = Type.Union(
  [
    Int(doc('Points to add (negative to take away).', [10])),
    Obj(
      {
        points: Int(doc('Points to add (negative to take away).', [10])),
        reason: Type.String(doc('Shown in the member’s timeline.', ['Shared a review'])),
      },
      {
        additionalProperties: false,
        required: ['points'],
        ...doc('Points with a reason.', [{ points: 10, reason: 'review' }]),
      },
    ),
  ],
  doc('Award points.', [10, { points: 10, reason: 'Shared a review' }]),
);

const OfferStep = Type.Union(
  [
    Ref('offers', 'The offer id; sent through the journey’s first channel.', ['starter-box']),
    Obj(
      {
        offer: Ref('offers', 'The offer id.', ['starter-box']),
        via: Ref('channels', 'Channel to send the checkout link through.', ['group']),
        text: Template(
          'Message around the link; `offer`, `price` (the member’s tier price, minor units) and `checkout.url` are available.',
          ['{{ offer.name }} for you: {{ price | money: offer.currency }} {{ checkout.url }}'],
        ),
        payment: Ref('payments', 'Payment instance (default: the offer’s).', ['pay']),
      },
      {
        additionalProperties: false,
        required: ['offer'],
        ...doc('Present an offer with a checkout link.', [{ offer: 'starter-box', via: 'group' }]),
      },
    ),
  ],
  doc('Create a checkout for an offer at the member’s tier price and send its link.', [
    'starter-box',
    { offer: 'starter-box', via: 'group' },
  ]),
);

const Charge = Obj(
  {
    offer: Ref('offers', 'The offer id.', ['renewal']),
    payment: Ref('payments', 'Payment instance (default: the offer’s).', ['pay']),
  },
  {
    additionalProperties: false,
    required: ['offer'],
    ...doc('Create an order and a checkout without sending a message (e.g. renewals on a saved method).', [
      { offer: 'renewal' },
    ]),
  },
);

const GroupAssign = Obj(
  {
    assign: Ref('groups', 'The group pool to place the member in (sharded by its capacity rule).', ['mums']),
  },
  {
    additionalProperties: false,
    required: ['assign'],
    ...doc('Put the member in a group of a pool.', [{ assign: 'mums' }]),
  },
);

const Introduce = Obj(
  {
    by: Type.Array(Type.String(doc('A member attribute.', ['city'])), {
      minItems: 1,
      ...doc('Pair with members who share these attributes (names in `member.attributes`).', [
        ['city', 'babyAgeMonths'],
      ]),
    }),
    count: Int({ minimum: 1, maximum: 10, ...doc('How many introductions to make.', [1]) }),
    among: Expression('Only members for whom this holds are candidates.', ["member.stage == 'activate'"]),
    via: Ref('channels', 'Channel to send the introduction through.', ['group']),
    text: Template('The introduction; `peer` is the other member.', [
      '{{ member.name }}, meet {{ peer.name }} from {{ peer.attributes.city }}!',
    ]),
  },
  {
    additionalProperties: false,
    required: ['by', 'via'],
    ...doc(
      'Introduce the member to others who share attributes (连接); the same pair is never introduced twice.',
      [{ by: ['city'], via: 'group', text: 'Meet {{ peer.name }}' }],
    ),
  },
);

const Call = Obj(
  {
    plugin: Ref('plugins', 'The channel or payment instance whose action to call.', ['crm-hook']),
    action: Type.String(doc('The plugin action.', ['createTicket'])),
    with: Type.Record(
      Type.String(),
      AnyValue('An input value; strings are templates.', ['{{ member.name }}']),
      {
        ...doc('Inputs, checked against the action’s JSON Schema.', [{ title: 'Call {{ member.name }}' }]),
      },
    ),
  },
  {
    additionalProperties: false,
    required: ['plugin', 'action'],
    ...doc('Call a plugin action.', [{ plugin: 'crm', action: 'createTicket' }]),
  },
);

const Emit = Type.Union(
  [
    EventName('Event name.', ['lead.qualified']),
    Obj(
      {
        event: EventName('Event name.', ['lead.qualified']),
        data: Type.Record(Type.String(), AnyValue('A value; strings are templates.', ['{{ member.id }}']), {
          ...doc('Event data.', [{ score: 10 }]),
        }),
      },
      {
        additionalProperties: false,
        required: ['event'],
        ...doc('Event with data.', [{ event: 'lead.qualified', data: { score: 10 } }]),
      },
    ),
  ],
  doc('Emit an event other journeys can react to.', ['lead.qualified']),
);

/**
 * A step is one object with a stable `id` and exactly one action key. The schema lists every
 * action key (so IDEs complete them and ajv reports the right field); "exactly one" and the
 * sibling keys (`then`/`else` with `if`, `onTimeout` with `wait`) are checked by the validator.
 */
export const Step = Type.Recursive(
  (Self) =>
    Obj(
      {
        id: Id('Stable id, unique in the journey: analytics, migrations and overrides use it.', [
          'hello',
          'nudge-1',
        ]),
        name: Type.String(doc('Label on the board.', ['Welcome message'])),
        note: Type.String(doc('A note for other operators.', ['Copy tested in March'])),
        send: Send,
        wait: Wait,
        onTimeout: Type.Array(
          Self,
          doc(
            'With `wait` for an event: steps run when the wait times out; afterwards the journey goes on after the wait step (end the branch with `exit` or `goal` to stop there).',
            [[{ id: 'remind', send: { via: 'group', text: 'Still thinking?' } }]],
          ),
        ),
        if: Expression('A condition; `then` runs when it holds, `else` otherwise.', ['member.messages == 0']),
        then: Type.Array(
          Self,
          doc('Steps when `if` holds.', [
            [{ id: 'ask', send: { via: 'group', text: 'Tell us about you?' } }],
          ]),
        ),
        else: Type.Array(
          Self,
          doc('Steps when `if` does not hold.', [
            [{ id: 'thanks', send: { via: 'group', text: 'Thanks!' } }],
          ]),
        ),
        split: Split(Self),
        set: Type.Record(
          Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
          Expression('An expression for the new value.', ["'premium'", 'now']),
          {
            ...doc('Set member attributes from expressions.', [{ plan: "'premium'", lastSeen: 'now' }]),
          },
        ),
        tag: Tag,
        score: Score,
        tier: Ref('tiers', 'Move the member to this tier.', ['kol']),
        offer: OfferStep,
        charge: Charge,
        group: GroupAssign,
        introduce: Introduce,
        call: Call,
        emit: Emit,
        goal: Id('Record this goal and end the journey.', ['purchased']),
        exit: Type.Union(
          [Type.Literal(true), Type.String()],
          doc('End the journey here: `true`, or a reason recorded in analytics.', [true, 'opted-out']),
        ),
      },
      {
        additionalProperties: false,
        required: ['id'],
        ...doc('A journey step.', [{ id: 'hello', send: { via: 'group', text: 'Welcome!' } }]),
      },
    ),
  { $id: 'Step', ...doc('A journey step.', [{ id: 'hello', send: { via: 'group', text: 'Welcome!' } }]) },
);

export type Step = Static<typeof Step>;

/** The action keys of a step, in the order the editor's palette shows them. */
export const STEP_KINDS = [
  'send',
  'wait',
  'if',
  'split',
  'set',
  'tag',
  'score',
  'tier',
  'offer',
  'charge',
  'group',
  'introduce',
  'call',
  'emit',
  'goal',
  'exit',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];
