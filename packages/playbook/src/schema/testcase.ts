import { type Static, Type } from '@sinclair/typebox';
import { AnyValue, doc, EventName, Obj, TimeZone } from './common.js';

/**
 * Playbook test cases (`*.test.yaml` beside a template): members, events at virtual times, and
 * what must have happened — messages, stages, tiers, points, tags, goals and the ledger.
 */

const TestMember = Obj(
  {
    name: Type.String(doc('Display name.', ['Alice'])),
    tier: Type.String(doc('Tier to start in (default: the first tier).', ['member'])),
    timezone: TimeZone('The member’s time zone (default: the playbook’s).'),
    locale: Type.String(doc('The member’s language.', ['zh-CN'])),
    tags: Type.Array(Type.String(doc('A tag.', ['vip'])), doc('Tags to start with.', [['vip']])),
    attributes: Type.Record(
      Type.String(),
      AnyValue('An attribute value.', ['Shanghai']),
      doc('Attributes to start with.', [{ city: 'Shanghai' }]),
    ),
    points: Type.Integer(doc('Points to start with.', [0])),
    referrer: Type.String(doc('The member (by test name) who referred this one.', ['bob'])),
    joined: Type.Boolean(doc('Send `member.joined` for this member at the start (default true).', [true])),
    entry: Type.String(doc('Entry id on the initial `member.joined`.', ['room-card'])),
  },
  doc('A member of the test community, by a short name used in the timeline.', [
    { name: 'Alice', attributes: { city: 'Shanghai' } },
  ]),
);

const MessageExpectation = Obj(
  {
    to: Type.String(doc('The member (by test name) the message was for.', ['alice'])),
    via: Type.String(doc('The channel instance it went through.', ['group'])),
    contains: Type.String(doc('Text the message contains.', ['Welcome'])),
    matches: Type.String(doc('A regular expression the text matches.', ['^Welcome .+!$'])),
    step: Type.String(doc('The step that sent it (`journey.step`).', ['welcome.hello'])),
  },
  doc('A message that must have been sent since the previous expectation.', [
    { to: 'alice', contains: 'Welcome' },
  ]),
);

const Expectation = Obj(
  {
    messages: Type.Array(
      MessageExpectation,
      doc('Messages that must have been sent since the previous `expect` (any order).', [
        [{ to: 'alice', contains: 'Welcome' }],
      ]),
    ),
    messageCount: Type.Integer({
      minimum: 0,
      ...doc('Exactly this many messages since the previous `expect`.', [1]),
    }),
    noMessagesTo: Type.Array(
      Type.String(doc('A member.', ['alice'])),
      doc('Members who must have received nothing since the previous `expect`.', [['alice']]),
    ),
    stage: Type.Record(
      Type.String(),
      Type.String(doc('A stage id.', ['activate'])),
      doc('Stage reached, by member.', [{ alice: 'activate' }]),
    ),
    tier: Type.Record(
      Type.String(),
      Type.String(doc('A tier id.', ['kol'])),
      doc('Tier, by member.', [{ alice: 'kol' }]),
    ),
    points: Type.Record(
      Type.String(),
      Type.Integer(doc('Points.', [10])),
      doc('Points, by member.', [{ alice: 10 }]),
    ),
    tags: Type.Record(
      Type.String(),
      Type.Array(Type.String(doc('A tag.', ['vip']))),
      doc('Tags the member must have, by member.', [{ alice: ['vip'] }]),
    ),
    goals: Type.Record(
      Type.String(),
      Type.Array(Type.String(doc('A goal.', ['purchased']))),
      doc('Goals reached, by member.', [{ alice: ['purchased'] }]),
    ),
    at: Type.Record(
      Type.String(),
      Type.Record(
        Type.String(),
        Type.String(doc('Step id, or `done`.', ['nudge'])),
        doc('Where the member is, by journey.', [{ welcome: 'settle' }]),
      ),
      doc('Where members are in their journeys.', [{ alice: { welcome: 'settle' } }]),
    ),
    groups: Type.Record(
      Type.String(),
      Type.Array(Type.String(doc('A pool id.', ['mums']))),
      doc('Group pools the member is in, by member.', [{ alice: ['mums'] }]),
    ),
    ledger: Obj(
      {
        orders: Type.Integer(doc('Orders created.', [1])),
        paid: Type.Integer(doc('Orders paid.', [1])),
        revenue: Type.Integer(doc('Money taken, minor units, net of refunds.', [5900])),
        refunded: Type.Integer(doc('Money refunded, minor units.', [0])),
        commissions: Type.Integer(
          doc('Commissions earned (pending + payable + paid − reversed), minor units.', [590]),
        ),
      },
      doc('Ledger totals.', [{ orders: 1, revenue: 5900 }]),
    ),
    events: Type.Array(
      EventName('An event type.', ['campaign.succeeded']),
      doc('Events that must have been emitted since the previous `expect`.', [['stage.reached']]),
    ),
  },
  doc('What must be true at this moment.', [{ stage: { alice: 'activate' } }]),
);

const TimelineItem = Obj(
  {
    at: Type.String({
      format: 'kith-offset',
      ...doc('When, after the test’s start (`0s` is the start).', ['0s', '1d', '2d3h']),
    }),
    event: EventName('An event to send.', ['message.received']),
    member: Type.String(doc('The member (by test name) the event is about.', ['alice'])),
    data: Type.Record(Type.String(), AnyValue('A value.', ['hello']), doc('Event data.', [{ text: '打卡' }])),
    pay: Type.String(
      doc('Pay the member’s open checkout for this offer (`payment.succeeded`).', ['starter-box']),
    ),
    refund: Type.String(
      doc('Refund the member’s paid order for this offer (`payment.refunded`).', ['starter-box']),
    ),
    expect: Expectation,
  },
  {
    required: ['at'],
    ...doc('One moment on the timeline: send an event, pay or refund, and/or check expectations.', [
      { at: '1d', event: 'message.received', member: 'alice', data: { text: 'hi' } },
    ]),
  },
);

export const PlaybookTest = Obj(
  {
    $schema: Type.String(
      doc('The JSON Schema this file follows.', [
        '../../../packages/playbook/schema/playbook-test.schema.json',
      ]),
    ),
    'kith-test': Type.Literal(1, doc('Version of the test format.', [1])),
    name: Type.String({ minLength: 1, ...doc('What the test shows.', ['A new mum is welcomed and nudged']) }),
    playbook: Type.String(
      doc('The playbook under test, relative to this file (default `../playbook.yaml`).', [
        '../playbook.yaml',
      ]),
    ),
    params: Type.Record(
      Type.String(),
      AnyValue('A parameter value.', ['Acme']),
      doc('Parameter values for this test.', [{ brand: 'Acme' }]),
    ),
    start: Type.String(
      doc('Virtual time the test starts at (ISO 8601 with offset).', ['2026-03-02T09:00:00+08:00']),
    ),
    members: Type.Record(
      Type.String({ pattern: '^[a-z][a-z0-9_-]*$' }),
      TestMember,
      doc('The test community.', [{ alice: { name: 'Alice' } }]),
    ),
    timeline: Type.Array(TimelineItem, {
      minItems: 1,
      ...doc('What happens, in time order.', [[{ at: '0s', expect: { stage: { alice: 'attract' } } }]]),
    }),
  },
  {
    $id: 'https://kith.dev/schema/playbook-test.schema.json',
    title: 'Kith playbook test',
    required: ['kith-test', 'name', 'members', 'timeline'],
    ...doc('A playbook test case: events in at virtual times, expectations out.', [
      {
        'kith-test': 1,
        name: 'welcome',
        members: { alice: {} },
        timeline: [{ at: '1m', expect: { messageCount: 1 } }],
      },
    ]),
  },
);

export type PlaybookTest = Static<typeof PlaybookTest>;
