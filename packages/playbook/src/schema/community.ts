import { Type } from '@sinclair/typebox';
import {
  AnyValue,
  Bool,
  Cron,
  Currency,
  Duration,
  doc,
  EventName,
  Expression,
  Id,
  IdMap,
  Int,
  Obj,
  Ref,
  Template,
  TimeOfDay,
  TimeZone,
} from './common.js';

// ---------------------------------------------------------------- params

export const ParamSpec = Obj(
  {
    type: Type.Union(
      [
        Type.Literal('string'),
        Type.Literal('integer'),
        Type.Literal('number'),
        Type.Literal('boolean'),
        Type.Literal('duration'),
        Type.Literal('money'),
      ],
      doc('The value type. `money` is an integer amount in minor units (fen, cents).', ['string', 'money']),
    ),
    description: Type.String(doc('What the parameter means, shown on the client form.', ['Brand name'])),
    default: AnyValue(
      'The value used when a client does not give one. Without it the parameter is required.',
      ['Little Stars', 5900],
    ),
    enum: Type.Array(AnyValue('An allowed value.', ['weekly']), {
      minItems: 1,
      ...doc('The only values allowed.', [['weekly', 'daily']]),
    }),
    minimum: Type.Number(doc('Smallest allowed number.', [0])),
    maximum: Type.Number(doc('Largest allowed number.', [100000])),
    pattern: Type.String(doc('A regular expression string values must match.', ['^[A-Z]{3}$'])),
  },
  {
    additionalProperties: false,
    required: ['type'],
    ...doc(
      'A template parameter: filled per client, referenced as `${params.name}` or `{{ params.name }}`.',
      [{ type: 'money', description: 'Starter box price in fen', default: 5900 }],
    ),
  },
);

export const Params = IdMapCamel(
  ParamSpec,
  doc('Typed parameters a client fills in when the playbook is used as a template.', [
    { brand: { type: 'string', description: 'Brand name' } },
  ]),
);

function IdMapCamel<T extends Parameters<typeof Type.Record>[1]>(value: T, options: object) {
  return Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), value, {
    additionalProperties: false,
    ...options,
  });
}

// ---------------------------------------------------------------- entries (入口)

export const Entry = Obj(
  {
    kind: Type.Union(
      [
        Type.Literal('qr'),
        Type.Literal('link'),
        Type.Literal('code'),
        Type.Literal('checkin'),
        Type.Literal('import'),
      ],
      doc(
        'How people come in: a printed QR code, a shared link, a typed code, a check-in event, or an import.',
        ['qr'],
      ),
    ),
    via: Ref('channels', 'The channel the entry leads into.', ['group']),
    group: Ref('groups', 'The group pool new members from this entry are assigned to.', ['guests']),
    source: Type.String(
      doc('The source recorded on members who arrive this way (for funnel by source).', ['lobby-poster']),
    ),
    description: Type.String(doc('Where this entry is placed.', ['QR card on every room desk'])),
  },
  {
    additionalProperties: false,
    required: ['kind', 'via'],
    ...doc('An entry point (入口). `member.joined` events carry the entry id in `event.entry`.', [
      { kind: 'qr', via: 'group', source: 'room-card' },
    ]),
  },
);

// ---------------------------------------------------------------- tiers

export const Tier = Obj(
  {
    name: Type.String(doc('Display name.', ['Group owner (群主)'])),
    description: Type.String(
      doc('Who belongs to this tier and what they get.', ['Runs a sub-group of 50+ members']),
    ),
    when: Expression(
      'Promotion rule: a member whose tier ranks below this one is promoted when it becomes true.',
      ['member.referrals >= 20'],
    ),
    keepWhen: Expression(
      'Demotion rule: checked on the periodic review; a member for whom it is false drops to the highest lower tier whose rule holds.',
      ['member.referrals >= 10'],
    ),
    benefits: Type.Array(
      Type.String(doc('A benefit.', ['20% off all offers'])),
      doc('Benefits shown to members.', [['Priority support']]),
    ),
  },
  {
    additionalProperties: false,
    ...doc(
      'A member tier. Tiers rank in the order they are written; the first one is where every member starts.',
      [{ when: 'member.referrals >= 20' }],
    ),
  },
);

export const Tiers = IdMap(
  Tier,
  doc('Member tiers by id, lowest first (grading members by value, contribution and influence).', [
    { member: {}, kol: { when: 'member.referrals >= 20' } },
  ]),
);

// ---------------------------------------------------------------- covenant (公约) and moderation

export const ModerationRule = Obj(
  {
    id: Id('Stable id of the rule.', ['no-ads']),
    description: Type.String(doc('What the rule forbids, in the words members see.', ['No advertising'])),
    keywords: Type.Array(Type.String({ minLength: 1, ...doc('A keyword.', ['加微信']) }), {
      ...doc('Message words that break the rule (case-insensitive substring).', [['代购', '加微信']]),
    }),
    regex: Type.String(
      doc('A regular expression that breaks the rule when it matches a message.', [
        'https?://(?!example\\.com)',
      ]),
    ),
    links: Type.Boolean(doc('Any link in a message breaks the rule.', [true])),
    flood: Obj(
      {
        messages: Int({
          minimum: 2,
          ...doc('How many messages from one member within `per` count as flooding.', [10]),
        }),
        per: Duration('The window `messages` are counted over.', ['1m']),
      },
      {
        additionalProperties: false,
        required: ['messages', 'per'],
        ...doc('Too many messages too fast.', [{ messages: 10, per: '1m' }]),
      },
    ),
    action: Type.Union(
      [
        Type.Literal('strike'),
        Type.Literal('warn'),
        Type.Literal('delete'),
        Type.Literal('mute'),
        Type.Literal('remove'),
      ],
      doc(
        'What happens at once. `strike` counts toward the covenant ladder; the others act directly and also count a strike.',
        ['strike'],
      ),
    ),
    message: Template('Sent to the member when the rule fires.', [
      '{{ member.name }}, please keep ads out of the group.',
    ]),
  },
  {
    additionalProperties: false,
    required: ['id', 'action'],
    ...doc('A moderation rule enforcing the covenant.', [
      { id: 'no-ads', keywords: ['代购'], action: 'strike' },
    ]),
  },
);

export const Covenant = Obj(
  {
    text: Template('The covenant members accept (文化/公约): the community’s rules in its own words.', [
      '1. Be kind. 2. No ads. 3. Share what you learn.',
    ]),
    acceptance: Obj(
      {
        required: Bool(doc('Members must accept before they can reach the activate stage.', [true])),
        via: Ref('channels', 'The channel the covenant is presented on, with an accept button.', ['group']),
        button: Type.String(doc('Label of the accept button.', ['I agree'])),
      },
      {
        additionalProperties: false,
        ...doc('How members accept the covenant.', [{ required: true, via: 'group' }]),
      },
    ),
    rules: Type.Array(
      ModerationRule,
      doc('Moderation rules, checked on every message.', [
        [{ id: 'no-ads', keywords: ['代购'], action: 'strike' }],
      ]),
    ),
    strikes: Obj(
      {
        warn: Int({ minimum: 1, ...doc('Strikes that trigger a warning.', [1]) }),
        mute: Int({ minimum: 1, ...doc('Strikes that mute the member.', [2]) }),
        muteFor: Duration('How long a mute lasts.', ['1d']),
        remove: Int({ minimum: 1, ...doc('Strikes that remove the member from the community.', [3]) }),
        window: Duration('Strikes older than this are forgotten.', ['30d']),
      },
      {
        additionalProperties: false,
        ...doc('The ladder of consequences after N strikes.', [
          { warn: 1, mute: 2, muteFor: '1d', remove: 3, window: '30d' },
        ]),
      },
    ),
  },
  {
    additionalProperties: false,
    ...doc('The covenant (公约) and the moderation that enforces it.', [
      { text: 'Be kind. No ads.', acceptance: { required: true, via: 'group' } },
    ]),
  },
);

// ---------------------------------------------------------------- groups

export const GroupPool = Obj(
  {
    via: Ref('channels', 'The channel the groups live on.', ['group']),
    capacity: Int({
      minimum: 2,
      ...doc('Members per group before a new one is needed (WeChat: 500).', [500]),
    }),
    shard: Type.Union([Type.Literal('fill'), Type.Literal('balance'), Type.Literal('by-attribute')], {
      ...doc(
        'How new members are placed: fill the newest group first, balance across open groups, or group by an attribute.',
        ['fill'],
      ),
    }),
    by: Type.String(
      doc('With `shard: by-attribute`: the member attribute that decides the group.', ['city']),
    ),
    overflow: Type.Union([Type.Literal('open-new'), Type.Literal('waitlist')], {
      ...doc(
        'When every group is full: ask the channel to open a new group, or keep members on a waitlist.',
        ['open-new'],
      ),
    }),
    name: Template('Name of new groups; `n` is the group number.', ['{{ params.brand }} mums #{{ n }}']),
    groups: Type.Array(
      Type.String(doc('The channel’s id of an existing group.', ['-1001234567890'])),
      doc('Existing groups to fill first, by the channel’s group id.', [['-1001234567890']]),
    ),
  },
  {
    additionalProperties: false,
    required: ['via', 'capacity'],
    ...doc('A pool of chat groups with a capacity: large communities live in hundreds of groups.', [
      { via: 'group', capacity: 500, shard: 'fill', overflow: 'open-new' },
    ]),
  },
);

// ---------------------------------------------------------------- offers

export const Campaign = Obj(
  {
    kind: Type.Union([Type.Literal('group-buy'), Type.Literal('pre-sale')], {
      ...doc(
        'Group buy (拼团): orders are confirmed together once enough join. Pre-sale (预售): payments are authorised and captured at the threshold.',
        ['group-buy'],
      ),
    }),
    threshold: Int({ minimum: 1, ...doc('Orders needed for the campaign to succeed.', [20]) }),
    deadline: Type.String(
      doc(
        'When the campaign ends: an ISO 8601 date-time, or a duration after the first order. If the threshold is not met by then, every order is cancelled and refunded.',
        ['2026-12-24T20:00:00+08:00', '7d'],
      ),
    ),
    maxOrders: Int({ minimum: 1, ...doc('Stop taking orders after this many.', [200]) }),
  },
  {
    additionalProperties: false,
    required: ['kind', 'threshold', 'deadline'],
    ...doc('Make the offer a group-buy or pre-sale that succeeds at a threshold or refunds at a deadline.', [
      { kind: 'group-buy', threshold: 20, deadline: '3d' },
    ]),
  },
);

export const Offer = Obj(
  {
    name: Template('What members see.', ['{{ params.brand }} starter box']),
    description: Template('Longer description for the checkout page.', ['Everything for the first month']),
    price: Int({
      minimum: 0,
      ...doc('Price in the currency’s minor units (fen, cents). Never a decimal.', [
        5900,
        '${params.starterPrice}',
      ]),
    }),
    currency: Currency('ISO 4217 currency code.'),
    tierPrice: Type.Record(
      Type.String(),
      Int({ minimum: 0, ...doc('Price for this tier, minor units.', [4000]) }),
      {
        additionalProperties: false,
        'x-kith-keys': 'tiers',
        ...doc(
          'Prices by member tier (e.g. 5000 for a member, 4000 for a group owner, 3000 for a distributor); applied when the order is created.',
          [{ kol: 4000, distributor: 3000 }],
        ),
      },
    ),
    payment: Ref('payments', 'The payment instance that takes the money; defaults to the only one.', ['pay']),
    campaign: Campaign,
    stock: Int({ minimum: 0, ...doc('How many can be sold in all.', [100]) }),
    commission: Bool(doc('Whether referral commissions are paid on this offer (default true).', [true])),
  },
  {
    additionalProperties: false,
    required: ['price', 'currency'],
    ...doc('Something members can buy.', [
      { name: 'Starter box', price: 5900, currency: 'CNY', tierPrice: { kol: 4700 } },
    ]),
  },
);

// ---------------------------------------------------------------- referrals

export const CommissionLevel = Obj(
  {
    rate: Type.String({
      pattern: '^(100|[0-9]{1,2})(\\.[0-9]{1,2})?%$',
      ...doc(
        'Share of the order amount, as a percentage with at most two decimals (computed in integers, rounded down).',
        ['10%', '2.5%'],
      ),
    }),
    tiers: Type.Array(Ref('tiers', 'A tier id.', ['distributor']), {
      ...doc('Only referrers in these tiers earn at this level (default: all).', [['distributor', 'kol']]),
    }),
  },
  {
    additionalProperties: false,
    required: ['rate'],
    ...doc('Commission for one level of the referral chain.', [{ rate: '10%' }]),
  },
);

export const Referrals = Obj(
  {
    attribution: Obj(
      {
        window: Duration('How long after a click or code use a join is attributed to the referrer.', ['30d']),
        model: Type.Union(
          [Type.Literal('first'), Type.Literal('last')],
          doc('Which referrer wins when several invited the same person.', ['first']),
        ),
      },
      {
        additionalProperties: false,
        ...doc('How new members are attributed to referrers.', [{ window: '30d', model: 'first' }]),
      },
    ),
    commissions: Obj(
      {
        levels: Type.Array(CommissionLevel, {
          minItems: 1,
          maxItems: 3,
          ...doc('Level 1 is the direct referrer, level 2 their referrer, and so on.', [
            [{ rate: '10%' }, { rate: '3%' }],
          ]),
        }),
        hold: Duration('Commissions become payable only after this hold period (covers refunds).', ['14d']),
        cap: Obj(
          {
            perOrder: Int({
              minimum: 0,
              ...doc('Most paid on one order across all levels, minor units.', [2000]),
            }),
            perReferrerPerMonth: Int({
              minimum: 0,
              ...doc('Most one referrer earns in a calendar month, minor units.', [100000]),
            }),
          },
          { additionalProperties: false, ...doc('Caps on commissions.', [{ perOrder: 2000 }]) },
        ),
        offers: Type.Array(Ref('offers', 'An offer id.', ['starter-box']), {
          ...doc('Offers that pay commission (default: every offer whose `commission` is not false).', [
            ['starter-box'],
          ]),
        }),
      },
      {
        additionalProperties: false,
        required: ['levels'],
        ...doc('Multi-level referral commissions (分享经济).', [{ levels: [{ rate: '10%' }], hold: '14d' }]),
      },
    ),
    kol: Obj(
      {
        when: Expression('A member is flagged as an opinion leader (KOL) when this holds.', [
          'member.referrals >= 20',
        ]),
        tier: Ref('tiers', 'Tier a detected KOL is promoted to.', ['kol']),
      },
      {
        additionalProperties: false,
        required: ['when'],
        ...doc('Detect opinion leaders from the referral graph.', [
          { when: 'member.referrals >= 20', tier: 'kol' },
        ]),
      },
    ),
  },
  {
    additionalProperties: false,
    ...doc(
      'Referral attribution, invite links and commissions: old customers bring new ones (存量引爆增量).',
      [{ commissions: { levels: [{ rate: '10%' }], hold: '14d' } }],
    ),
  },
);

// ---------------------------------------------------------------- rituals and streaks

export const StreakReward = Obj(
  {
    days: Int({ minimum: 1, ...doc('Consecutive check-ins needed.', [7]) }),
    points: Int({ ...doc('Points awarded.', [50]) }),
    badge: Type.String(doc('Badge awarded.', ['week-warrior'])),
    tag: Type.String(doc('Tag added to the member.', ['regular'])),
  },
  {
    additionalProperties: false,
    required: ['days'],
    ...doc('A reward for a streak length.', [{ days: 7, points: 50 }]),
  },
);

export const Ritual = Obj(
  {
    name: Type.String(doc('Display name; `ritual.name` in messages.', ['Friday reading club'])),
    schedule: Cron('When the ritual happens (cron, in the ritual’s or the playbook’s time zone).'),
    timezone: TimeZone('Time zone of the schedule; defaults to the playbook’s.'),
    via: Ref('channels', 'Channel the ritual is announced on.', ['group']),
    group: Ref('groups', 'Group pool whose groups get the announcement (default: members directly).', [
      'readers',
    ]),
    announce: Template('The announcement sent when the ritual starts.', [
      'Reading club starts now: chapter {{ ritual.occurrence }}!',
    ]),
    checkin: Obj(
      {
        keyword: Type.String(doc('A message containing this word counts as a check-in (打卡).', ['打卡'])),
        button: Type.String(doc('Label of a check-in button on the announcement.', ['Check in'])),
        window: Duration('How long after the start a check-in counts.', ['2h']),
        points: Int({ ...doc('Points for each check-in.', [5]) }),
      },
      {
        additionalProperties: false,
        ...doc('How members check in.', [{ keyword: '打卡', window: '24h', points: 5 }]),
      },
    ),
    streak: Obj(
      {
        grace: Int({ minimum: 0, ...doc('Occurrences a member may miss without losing the streak.', [0]) }),
        rewards: Type.Array(
          StreakReward,
          doc('Rewards by streak length.', [[{ days: 7, points: 50, badge: 'week-warrior' }]]),
        ),
      },
      {
        additionalProperties: false,
        ...doc('Check-in streaks and their rewards.', [{ rewards: [{ days: 7, points: 50 }] }]),
      },
    ),
  },
  {
    additionalProperties: false,
    required: ['schedule', 'via'],
    ...doc('A recurring ritual that builds identity: a weekly reading club, a daily exercise check-in.', [
      { schedule: '0 20 * * 5', via: 'group', checkin: { keyword: '打卡', window: '2h' } },
    ]),
  },
);

// ---------------------------------------------------------------- signals

export const Signal = Obj(
  {
    keywords: Type.Array(Type.String({ minLength: 1, ...doc('A keyword.', ['熬夜']) }), {
      ...doc('Words that count as a mention (case-insensitive substring).', [['熬夜', '快速化妆']]),
    }),
    regex: Type.Array(Type.String(doc('A regular expression.', ['late[- ]night'])), {
      ...doc('Regular expressions that count as a mention.', [['late[- ]night']]),
    }),
    window: Duration('The sliding window mentions are counted over.', ['7d']),
    threshold: Int({ minimum: 1, ...doc('Mentions within the window that fire the signal.', [30]) }),
    scope: Type.Union([Type.Literal('member'), Type.Literal('group'), Type.Literal('community')], {
      ...doc('Count per member, per group, or across the whole community.', ['community']),
    }),
    emit: EventName('Event emitted when the signal fires (default `signal.<id>`).', [
      'signal.late-night-makeup',
    ]),
    cooldown: Duration('Minimum time between two firings.', ['7d']),
  },
  {
    additionalProperties: false,
    required: ['window', 'threshold'],
    ...doc('Demand mined from conversation: count keyword mentions over a window and emit an event.', [
      { keywords: ['熬夜', '化妆'], window: '7d', threshold: 30, scope: 'community' },
    ]),
  },
);

// ---------------------------------------------------------------- delivery policy

export const QuietHours = Obj(
  {
    start: TimeOfDay('Start of quiet hours, member’s local time.', ['22:00']),
    end: TimeOfDay('End of quiet hours, member’s local time.', ['08:00']),
    mode: Type.Union([Type.Literal('defer'), Type.Literal('skip')], {
      ...doc('Deliver at the next allowed time (`defer`) or drop the message (`skip`).', ['defer']),
    }),
  },
  {
    additionalProperties: false,
    required: ['start', 'end'],
    ...doc('No messages in these hours, in the member’s time zone.', [
      { start: '22:00', end: '08:00', mode: 'defer' },
    ]),
  },
);

export const FrequencyCap = Obj(
  {
    max: Int({ minimum: 1, ...doc('Most messages allowed within `per`.', [3]) }),
    per: Duration('The window `max` applies to.', ['1d']),
    mode: Type.Union([Type.Literal('defer'), Type.Literal('skip')], {
      ...doc('Deliver when the window allows (`defer`) or drop the message (`skip`).', ['skip']),
    }),
  },
  {
    additionalProperties: false,
    required: ['max', 'per'],
    ...doc('A frequency cap.', [{ max: 3, per: '1d', mode: 'skip' }]),
  },
);

export const Delivery = Obj(
  {
    quietHours: QuietHours,
    perMember: FrequencyCap,
    perGroup: FrequencyCap,
  },
  {
    additionalProperties: false,
    ...doc(
      'Delivery policy: quiet hours and frequency caps per member and per group. A `critical` send bypasses it; a capped member still moves on.',
      [{ quietHours: { start: '22:00', end: '08:00' }, perMember: { max: 3, per: '1d' } }],
    ),
  },
);

export const Entries = IdMap(
  Entry,
  doc('Entry points (入口) by id.', [{ 'room-card': { kind: 'qr', via: 'group' } }]),
);
export const Groups = IdMap(
  GroupPool,
  doc('Group pools by id.', [{ mums: { via: 'group', capacity: 500 } }]),
);
export const Offers = IdMap(
  Offer,
  doc('Offers by id.', [{ 'starter-box': { price: 5900, currency: 'CNY' } }]),
);
export const Rituals = IdMap(
  Ritual,
  doc('Rituals by id.', [{ reading: { schedule: '0 20 * * 5', via: 'group' } }]),
);
export const Signals = IdMap(
  Signal,
  doc('Signals by id.', [{ makeup: { keywords: ['化妆'], window: '7d', threshold: 30 } }]),
);
