import { type Static, Type } from '@sinclair/typebox';
import {
  AnyValue,
  Bool,
  Cron,
  Duration,
  doc,
  EventName,
  Expression,
  Id,
  Int,
  Obj,
  Ref,
  TimeZone,
} from './common.js';
import {
  Covenant,
  Delivery,
  Entries,
  Groups,
  Offers,
  Params,
  Referrals,
  Rituals,
  Signals,
  Tiers,
} from './community.js';
import { Channels, Payments, Secrets } from './plugins.js';
import { Step } from './steps.js';

export const EventTrigger = Obj(
  {
    event: EventName('The event that starts the journey.', ['member.joined', 'payment.succeeded']),
    filter: Expression('Only events for which this holds start the journey.', ["event.entry == 'room-card'"]),
  },
  {
    additionalProperties: false,
    required: ['event'],
    ...doc('Start on an event.', [{ event: 'member.joined' }]),
  },
);

export const ScheduleTrigger = Obj(
  {
    schedule: Cron('When to start (cron).'),
    timezone: TimeZone('Time zone of the schedule (default: the playbook’s).'),
    segment: Expression('Which members start; every member when absent.', ["member.stage == 'activate'"]),
  },
  {
    additionalProperties: false,
    required: ['schedule'],
    ...doc('Start on a schedule, for every member of a segment.', [{ schedule: '0 9 * * 1' }]),
  },
);

export const StageTrigger = Obj(
  { stage: Ref('stages', 'Start when a member reaches this stage.', ['transact']) },
  {
    additionalProperties: false,
    required: ['stage'],
    ...doc('Start on stage entry.', [{ stage: 'transact' }]),
  },
);

export const SegmentTrigger = Obj(
  { segment: Expression('Start when a member comes to match this condition.', ["'vip' in member.tags"]) },
  {
    additionalProperties: false,
    required: ['segment'],
    ...doc('Start on segment entry.', [{ segment: "'vip' in member.tags" }]),
  },
);

export const ThresholdTrigger = Obj(
  {
    threshold: Obj(
      {
        value: Expression('A numeric expression over the member.', ['member.points']),
        atLeast: Int(doc('Start when the value first reaches this.', [100])),
      },
      {
        additionalProperties: false,
        required: ['value', 'atLeast'],
        ...doc('A metric and the level that starts the journey.', [{ value: 'member.points', atLeast: 100 }]),
      },
    ),
  },
  {
    additionalProperties: false,
    required: ['threshold'],
    ...doc('Start when a metric crosses a level.', [
      { threshold: { value: 'member.referrals', atLeast: 5 } },
    ]),
  },
);

export const Trigger = Type.Union(
  [
    EventName('Shorthand for `{ event: … }`.', ['member.joined']),
    EventTrigger,
    ScheduleTrigger,
    StageTrigger,
    SegmentTrigger,
    ThresholdTrigger,
  ],
  doc(
    'What starts the journey: an event (with a filter), a schedule, a stage or segment entry, or a threshold.',
    [
      'member.joined',
      { event: 'message.received', filter: "event.text.contains('price')" },
      { schedule: '0 9 * * 1', timezone: 'Asia/Shanghai' },
      { stage: 'transact' },
    ],
  ),
);

export const Reentry = Type.Union(
  [
    Type.Literal('once', doc('A member goes through this journey once, ever.', ['once'])),
    Type.Literal(
      'always',
      doc('A member may be in it again whenever it triggers, even concurrently (with distinct entry keys).', [
        'always',
      ]),
    ),
    Type.Literal('after-exit', doc('Again, but only after the previous run ended.', ['after-exit'])),
    Obj(
      { after: Duration('Again only this long after the previous entry.', ['30d']) },
      {
        additionalProperties: false,
        required: ['after'],
        ...doc('A cool-down between entries.', [{ after: '30d' }]),
      },
    ),
  ],
  doc('Whether a member may enter the journey again (default `once`).', ['once', { after: '30d' }]),
);

export const ExitRule = Obj(
  {
    event: EventName('Leave when this event arrives for the member.', ['payment.succeeded', 'member.left']),
    filter: Expression('Only if this holds for the event.', ["event.offer == 'starter-box'"]),
    when: Expression('Leave as soon as this holds for the member.', ["'customer' in member.tags"]),
    goal: Id('Record this goal when leaving this way.', ['purchased']),
  },
  {
    additionalProperties: false,
    ...doc('A condition that ends the journey at whatever step the member is on.', [
      { event: 'payment.succeeded', goal: 'purchased' },
    ]),
  },
);

export const Journey = Obj(
  {
    journey: Id('Stable id of the journey, unique in the playbook.', ['welcome', 'starter-offer']),
    name: Type.String(doc('Display name.', ['Welcome new mums'])),
    description: Type.String(
      doc('What the journey is for.', ['Greets new members and asks about their baby.']),
    ),
    on: Trigger,
    entryKey: Expression('Distinguishes concurrent entries of the same member (with `reentry: always`).', [
      'event.orderId',
    ]),
    reentry: Reentry,
    exit: Type.Array(ExitRule, doc('Exit rules checked at every step.', [[{ event: 'member.left' }]])),
    enabled: Bool(
      doc('Set false to switch the journey off (e.g. in a client playbook extending a template).', [true]),
    ),
    steps: Type.Array(Step, {
      minItems: 1,
      ...doc('The steps, in order.', [[{ id: 'hello', send: { via: 'group', text: 'Welcome!' } }]]),
    }),
  },
  {
    additionalProperties: false,
    required: ['journey', 'on', 'steps'],
    ...doc('A journey: a trigger and the steps each member goes through.', [
      {
        journey: 'welcome',
        on: 'member.joined',
        steps: [{ id: 'hello', send: { via: 'group', text: 'Welcome!' } }],
      },
    ]),
  },
);

export const Stage = Obj(
  {
    name: Type.String(doc('Display name.', ['Activate'])),
    description: Type.String(doc('What this stage means for a member.', ['Took part at least once'])),
    when: Expression(
      'A member reaches this stage (and every earlier one) when this holds; moves up at once.',
      ['member.messages >= 1'],
    ),
    keepWhen: Expression(
      'Checked on the periodic stage review: a member for whom it is false moves back down.',
      ['daysSince(member.lastActiveAt) < 60'],
    ),
    journeys: Type.Array(
      Journey,
      doc('Journeys of this stage.', [
        [
          {
            journey: 'welcome',
            on: 'member.joined',
            steps: [{ id: 'hello', send: { via: 'group', text: 'Welcome!' } }],
          },
        ],
      ]),
    ),
  },
  {
    additionalProperties: false,
    ...doc('A stage of the community funnel.', [{ when: 'member.messages >= 1', journeys: [] }]),
  },
);

export const Stages = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }), Stage, {
  additionalProperties: false,
  minProperties: 1,
  ...doc(
    'The funnel, in order: attract → activate → transact → expand, with custom stages between them where needed. Written order is funnel order.',
    [
      {
        attract: { journeys: [] },
        activate: { journeys: [] },
        transact: { journeys: [] },
        expand: { journeys: [] },
      },
    ],
  ),
});

export const Extends = Type.Union(
  [
    Type.String(
      doc('Path (relative to this file) or package of the template.', [
        '../mother-baby/playbook.yaml',
        '@acme/kith-templates/mother-baby',
      ]),
    ),
    Obj(
      {
        from: Type.String(
          doc('Path (relative to this file) or package of the template.', ['../mother-baby/playbook.yaml']),
        ),
        params: Type.Record(Type.String(), AnyValue('A parameter value.', ['Little Stars']), {
          ...doc('Values for the template’s parameters.', [{ brand: 'Little Stars', starterPrice: 5900 }]),
        }),
      },
      {
        additionalProperties: false,
        required: ['from'],
        ...doc('A template and the values of its parameters.', [
          { from: '../mother-baby/playbook.yaml', params: { brand: 'Little Stars' } },
        ]),
      },
    ),
  ],
  doc(
    'Build on a template. Maps (channels, offers, tiers, …) merge by id; journeys with the same id replace the template’s; `overrides` patches steps by id.',
    [{ from: '../mother-baby/playbook.yaml', params: { brand: 'Little Stars' } }],
  ),
);

export const Migrate = Type.Record(
  Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }),
  Type.Record(
    Type.String(),
    Type.Union(
      [Type.String(), Type.Null()],
      doc('The new step id, or null to end the journey for members on that step.', ['hello-v2', null]),
    ),
    {
      ...doc('Old step id → new step id.', [{ hello: 'hello-v2', 'old-nudge': null }]),
    },
  ),
  {
    additionalProperties: false,
    ...doc(
      'When this version is published, move members who are mid-journey on the named old steps to these steps of this version. Journeys not listed here let their members finish on the version they started.',
      [{ welcome: { hello: 'hello-v2' } }],
    ),
  },
);

export const Playbook = Obj(
  {
    $schema: Type.String(
      doc('The JSON Schema this file follows (for IDEs).', [
        '../../packages/playbook/schema/playbook.schema.json',
      ]),
    ),
    kith: Type.Literal(1, doc('Version of the playbook format.', [1])),
    id: Id('Stable id of the playbook.', ['mother-baby']),
    name: Type.String({ minLength: 1, ...doc('Display name.', ['Mother & baby community']) }),
    description: Type.String(
      doc('What the playbook does and for whom.', [
        'Grows a mother-and-baby community from WeChat groups to a store.',
      ]),
    ),
    locale: Type.String({
      pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
      ...doc('Language of the messages (BCP 47).', ['zh-CN', 'en']),
    }),
    timezone: TimeZone('Default time zone of schedules and of members without one.'),
    extends: Extends,
    params: Params,
    secrets: Secrets,
    channels: Channels,
    payments: Payments,
    entries: Entries,
    tiers: Tiers,
    covenant: Covenant,
    groups: Groups,
    offers: Offers,
    referrals: Referrals,
    rituals: Rituals,
    signals: Signals,
    delivery: Delivery,
    stageReview: Duration('How often the stage review runs (members move down only then).', ['7d']),
    stages: Stages,
    overrides: Type.Record(
      Type.String(),
      Type.Record(Type.String(), AnyValue('A replacement value for this field of the step.', ['Welcome!']), {
        ...doc('Fields of the step to replace, merged into the template’s step.', [
          { send: { via: 'group', text: 'Welcome!' } },
        ]),
      }),
      {
        ...doc(
          'In a playbook that `extends` a template: patches to steps by id (`journey.step` or a unique step id), merged into the template’s step.',
          [{ 'welcome.hello': { send: { via: 'group', text: 'Welcome to Little Stars!' } } }],
        ),
      },
    ),
    migrate: Migrate,
  },
  {
    $id: 'https://kith.dev/schema/playbook.schema.json',
    additionalProperties: false,
    required: ['kith', 'id'],
    // A playbook that extends a template may leave name and stages to the template.
    if: { not: { required: ['extends'] } },
    then: { required: ['name', 'stages'] },
    title: 'Kith playbook',
    ...doc('A Kith community playbook.', [
      { kith: 1, id: 'hello', name: 'Hello', stages: { attract: { journeys: [] } } },
    ]),
  },
);

export type Playbook = Static<typeof Playbook>;
/** A playbook after `extends` and params are resolved: name and stages are always there. */
export type ResolvedPlaybook = Omit<Playbook, 'extends' | 'overrides' | 'name' | 'stages'> & {
  name: string;
  stages: Static<typeof Stages>;
};
export type Journey = Static<typeof Journey>;
export type Stage = Static<typeof Stage>;
export type Trigger = Static<typeof Trigger>;
export type ExitRule = Static<typeof ExitRule>;
