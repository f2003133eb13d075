import { posix } from 'node:path';
import type { PlaybookHost } from '@kith/playbook';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MECHANICS } from '../src/index.js';
import { type PlaybookTestResult, runPlaybookTest } from '../src/playbook-tests/index.js';

/** Files in memory: the runner reaches the playbook through the host, as it does on disk. */
function memoryHost(files: Record<string, string>): PlaybookHost {
  return {
    readFile(path) {
      const text = files[path];
      if (text === undefined) throw new Error('no such file');
      return text;
    },
    resolveTemplate(from, spec) {
      const path = posix.resolve(posix.dirname(from.replace(/#.*$/, '')), spec);
      return path in files ? path : undefined;
    },
  };
}

const PLAYBOOK = `kith: 1
id: shop
name: Shop
timezone: UTC
params:
  price: { type: money, default: 5900 }
channels:
  tg: { use: telegram }
payments:
  pay: { use: stripe }
tiers:
  member: {}
  vip: { when: member.points >= 100 }
groups:
  club: { via: tg, capacity: 10 }
offers:
  box: { name: Box, price: "\${params.price}", currency: USD }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hello
            send: { via: tg, text: "Hello {{ member.name }}" }
          - id: seat
            group: { assign: club }
          - id: wait-reply
            wait: { event: message.received, timeout: 1d }
            onTimeout:
              - id: nudge
                send: { via: tg, text: Still there? }
              - id: gone
                exit: silent
          - id: reward
            score: { points: 10, reason: replied }
          - id: talker
            tag: talker
          - id: done
            goal: replied
  transact:
    when: member.points >= 10
    journeys:
      - journey: sell
        on: { stage: transact }
        steps:
          - id: pitch
            offer: { offer: box, via: tg, text: "{{ offer.name }} for {{ price | money: offer.currency }}" }
          - id: paid
            wait: { event: payment.succeeded, timeout: 2d }
          - id: bought
            goal: bought
`;

const FILE = '/lib/shop/tests/case.test.yaml';
const host = memoryHost({ '/lib/shop/playbook.yaml': PLAYBOOK });

function run(text: string, mechanics = DEFAULT_MECHANICS): Promise<PlaybookTestResult> {
  return runPlaybookTest(text, FILE, { host, mechanics });
}

/** 1-based line and column of the first `needle` in `text`. */
function at(text: string, needle: string): { line: number; column: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not in the test: ${needle}`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

const PASSING = `kith-test: 1
name: a member replies and buys
start: 2026-03-02T09:00:00Z
params: { price: 4900 }
members:
  ann: { name: Ann }
  bob: { name: Bob, joined: false }
timeline:
  - at: 0s
    expect:
      stage: { ann: attract }
      tier: { ann: member }
      messages: [{ to: ann, via: tg, step: welcome.hello, contains: Hello Ann }]
      messageCount: 1
      groups: { ann: [club] }
      at: { ann: { welcome: wait-reply } }
  - at: 1h
    event: message.received
    member: ann
    data: { text: hi }
    expect:
      stage: { ann: transact }
      points: { ann: 10 }
      tags: { ann: [talker] }
      goals: { ann: [replied] }
      messages: [{ to: ann, step: sell.pitch, matches: "^Box for \\\\$49\\\\.00$" }]
      events: [stage.reached, order.created]
      ledger: { orders: 1, paid: 0, revenue: 0 }
  - at: 2h
    member: ann
    pay: box
    expect:
      goals: { ann: [bought] }
      at: { ann: { sell: done } }
      ledger: { orders: 1, paid: 1, revenue: 4900, refunded: 0, commissions: 0 }
  - at: 3h
    member: ann
    refund: box
    expect:
      ledger: { paid: 1, revenue: 0, refunded: 4900 }
      noMessagesTo: [bob]
  - at: 4h
    event: member.joined
    member: bob
    expect:
      messages: [{ to: bob, contains: Hello Bob }]
`;

describe('runPlaybookTest', () => {
  it('runs a passing case: joins, events, payment and refund at virtual times', async () => {
    const r = await run(PASSING);
    expect([...r.diagnostics, ...r.failures].map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([]);
    expect(r.status).toBe('passed');
    expect(r.name).toBe('a member replies and buys');
    expect(r.checks).toBe(28);
  });

  it('reports each failing expectation at its place in the test file, expected vs actual', async () => {
    const text = `kith-test: 1
name: everything wrong
start: 2026-03-02T09:00:00Z
members:
  ann: { name: Ann }
  bob: { name: Bob }
timeline:
  - at: 1h
    event: message.received
    member: ann
    data: { text: hi }
    expect:
      messages: [{ to: ann, contains: Goodbye }]
      messageCount: 7
      noMessagesTo: [bob]
      stage: { ann: attract }
      tier: { ann: vip }
      points: { ann: 99 }
      tags: { ann: [talker, vip-tag] }
      goals: { ann: [never] }
      at: { ann: { welcome: hello } }
      groups: { bob: [club, club2] }
      ledger: { orders: 5 }
      events: [campaign.succeeded]
`;
    const hostWithPool = memoryHost({
      '/lib/shop/playbook.yaml': PLAYBOOK.replace(
        '  club: { via: tg, capacity: 10 }',
        '  club: { via: tg, capacity: 10 }\n  club2: { via: tg, capacity: 10 }',
      ),
    });
    const r = await runPlaybookTest(text, FILE, { host: hostWithPool });
    expect(r.status).toBe('failed');
    const byCode = new Map(r.failures.map((f) => [f.code, f]));
    const where: [string, string][] = [
      ['expect-message', '{ to: ann, contains: Goodbye }'],
      ['expect-message-count', '7'],
      ['expect-no-messages', 'bob]'],
      ['expect-stage', 'attract }'],
      ['expect-tier', 'vip }'],
      ['expect-points', '99'],
      ['expect-tags', '[talker, vip-tag]'],
      ['expect-goals', '[never]'],
      ['expect-at', 'hello }'],
      ['expect-groups', '[club, club2]'],
      ['expect-ledger', '5 }'],
      ['expect-event', 'campaign.succeeded'],
    ];
    for (const [code, needle] of where) {
      const f = byCode.get(code);
      expect(f, code).toBeDefined();
      expect({ code, line: f!.line, column: f!.column }).toEqual({ code, ...at(text, needle) });
      expect(f!.file).toBe(FILE);
      expect(f!.moment).toBe('1h');
      expect(f!.since).toBe('start');
    }
    expect(byCode.get('expect-stage')).toMatchObject({ expected: 'attract', actual: 'transact' });
    expect(byCode.get('expect-points')).toMatchObject({ expected: 99, actual: 10 });
    expect(byCode.get('expect-tags')?.message).toBe('`ann` lacks tags `vip-tag` (has: `talker`)');
    expect(byCode.get('expect-at')).toMatchObject({ expected: 'hello', actual: 'done' });
    expect(byCode.get('expect-message-count')).toMatchObject({ expected: 7, actual: 3 });
    expect(byCode.get('expect-tier')?.zh.message).toBe('`ann`：等级为 `member`，预期为 `vip`');
    // the messages sent in the window come with every failure of the moment
    expect(byCode.get('expect-message')?.sent.map((m) => [m.to, m.kind, m.step, m.text])).toEqual([
      ['ann', 'member', 'welcome.hello', 'Hello Ann'],
      ['bob', 'member', 'welcome.hello', 'Hello Bob'],
      ['ann', 'member', 'sell.pitch', 'Box for $59.00'],
    ]);
  });

  it('fails a ledger expectation loudly when no mechanic keeps the ledger', async () => {
    const text = PASSING.replace(
      'ledger: { orders: 1, paid: 1, revenue: 4900, refunded: 0, commissions: 0 }',
      'ledger: { commissions: 0 }',
    );
    const r = await run(text, []);
    const f = r.failures.find((x) => x.code === 'expect-unsupported');
    expect(f?.message).toBe(
      'cannot check `ledger.commissions`: the ledger mechanic is not running for this playbook (it keeps orders, payments and commissions)',
    );
    const line = at(text, 'ledger: { commissions: 0 }');
    expect(f && { line: f.line, column: f.column }).toEqual({ line: line.line, column: line.column + 23 });
    expect(r.status).toBe('failed');
  });

  it('reports a payment with no open checkout, and a refund with nothing paid', async () => {
    const text = `kith-test: 1
name: nothing to pay
members:
  ann: {}
timeline:
  - { at: 1m, member: ann, pay: box }
  - { at: 2m, member: ann, refund: box }
`;
    const r = await run(text);
    expect(r.failures.map((f) => [f.code, f.line, f.column])).toEqual([
      ['no-checkout', 6, 33],
      ['no-paid-order', 7, 36],
    ]);
  });

  it('turns a malformed file into positioned diagnostics, and runs nothing', async () => {
    const text = `kith-test: 1
name: broken
members:
  ann: { nmae: Ann }
timeline:
  - at: soon
    member: zed
`;
    const r = await run(text);
    expect(r.status).toBe('invalid');
    expect(r.name).toBe('broken');
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['unknown-field', 4],
      ['invalid-duration', 6],
      ['unknown-reference', 7],
    ]);
    expect(r.failures).toEqual([]);
  });

  it('checks names against the playbook before running: members, offers, stages, steps, time order', async () => {
    const text = `kith-test: 1
name: typos
members:
  ann: { tier: gold }
timeline:
  - { at: 1h, member: ann, pay: boks }
  - at: 30m
    expect:
      stage: { ann: atract, zoe: attract }
      at: { ann: { welcome: helo } }
      messages: [{ step: sel.pitch }]
`;
    const r = await run(text);
    expect(r.status).toBe('invalid');
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['unknown-tier', 4, 16],
      ['unknown-offer', 6, 33],
      ['timeline-order', 7, 9],
      ['unknown-stage', 9, 21],
      ['unknown-member', 9, 29],
      ['unknown-step', 10, 29],
      ['unknown-journey', 11, 26],
    ]);
    expect(r.diagnostics[0]!.hint).toBe('Its tiers: `member`, `vip`.');
  });

  it("reports a bad parameter at the test's `params`, and a missing playbook at `playbook`", async () => {
    const text = `kith-test: 1
name: params
params: { price: cheap, colour: red }
members: { ann: {} }
timeline: [{ at: 1m, expect: { stage: { ann: attract } } }]
`;
    const r = await run(text);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column, d.file])).toEqual([
      ['param-type', 3, 18, FILE],
      ['param-unknown', 3, 25, FILE],
    ]);
    const missing = await run(
      `kith-test: 1\nname: x\nplaybook: ../nope.yaml\nmembers: {}\ntimeline: [{ at: 1m }]\n`,
    );
    expect(missing.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['extends-not-found', 3, 11],
    ]);
  });
});
