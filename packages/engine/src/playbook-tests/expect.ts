import type { PlaybookTest } from '@kith/playbook/browser';
import type { MemberState } from '../model/member.js';
import { LEDGER_FIELDS, type LedgerTotals } from './ledger.js';
import type { TestPath } from './locate.js';
import type { SeenEvent } from './observe.js';
import type { SentMessage } from './types.js';
import { type Bilingual, FAIL } from './words.js';

export type TimelineItem = PlaybookTest['timeline'][number];
export type Expectation = NonNullable<TimelineItem['expect']>;
type MessageSpec = NonNullable<Expectation['messages']>[number];

/** What the checks of one moment can see, and where they report. */
export interface Moment {
  /** Path of this moment's `expect` in the test file. */
  path: TestPath;
  /** Messages delivered since the previous `expect`. */
  sent: readonly SentMessage[];
  /** Events emitted since the previous `expect`. */
  events: readonly SeenEvent[];
  member(name: string): Promise<MemberState | undefined>;
  /** Where the member is in a journey: a step id, `done`, or undefined (never entered). */
  position(name: string, journey: string): Promise<string | undefined>;
  ledger(): Promise<LedgerTotals>;
  pass(): void;
  fail(code: string, path: TestPath, words: Bilingual, expected: unknown, actual: unknown): void;
}

/** A compact, language-neutral rendering of a message expectation: `{ to: "alice", contains: "Hi" }`. */
export function describeSpec(m: MessageSpec): string {
  return `{ ${Object.entries(m)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ')} }`;
}

export function messageMatches(spec: MessageSpec, m: SentMessage): boolean {
  if (spec.to !== undefined && m.to !== spec.to) return false;
  if (spec.via !== undefined && m.via !== spec.via) return false;
  if (spec.contains !== undefined && !m.text.includes(spec.contains)) return false;
  if (spec.matches !== undefined && !new RegExp(spec.matches, 'u').test(m.text)) return false;
  if (spec.step !== undefined) {
    const whole = spec.step.includes('.');
    if (m.step === null || (whole ? m.step !== spec.step : !m.step.startsWith(`${spec.step}.`))) return false;
  }
  return true;
}

function checkMessages(e: Expectation, at: Moment): void {
  const used = new Set<number>();
  e.messages?.forEach((spec, j) => {
    const k = at.sent.findIndex((m, i) => !used.has(i) && messageMatches(spec, m));
    if (k >= 0) {
      used.add(k);
      at.pass();
    } else {
      at.fail(
        'expect-message',
        [...at.path, 'messages', j],
        FAIL.message(describeSpec(spec), at.sent.length),
        spec,
        at.sent.map((m) => m.text),
      );
    }
  });
  if (e.messageCount !== undefined) {
    if (at.sent.length === e.messageCount) at.pass();
    else
      at.fail(
        'expect-message-count',
        [...at.path, 'messageCount'],
        FAIL.messageCount(e.messageCount, at.sent.length),
        e.messageCount,
        at.sent.length,
      );
  }
  e.noMessagesTo?.forEach((name, j) => {
    const got = at.sent.filter((m) => m.to === name);
    if (got.length === 0) at.pass();
    else
      at.fail(
        'expect-no-messages',
        [...at.path, 'noMessagesTo', j],
        FAIL.noMessages(name, got.length),
        [],
        got.map((m) => m.text),
      );
  });
}

const SCALARS = {
  stage: { en: 'stage', zh: '阶段', read: (s: MemberState) => s.profile.stage },
  tier: { en: 'tier', zh: '等级', read: (s: MemberState) => s.profile.tier },
  points: { en: 'points', zh: '积分', read: (s: MemberState) => s.profile.points },
} as const;

const SETS = {
  tags: { en: 'tags', zh: '标签', read: (s: MemberState) => s.profile.tags },
  goals: { en: 'goals', zh: '目标', read: (s: MemberState) => s.profile.goals },
  groups: { en: 'group pools', zh: '群池', read: (s: MemberState) => Object.keys(s.profile.groups) },
} as const;

async function checkMembers(e: Expectation, at: Moment): Promise<void> {
  for (const field of ['stage', 'tier', 'points'] as const) {
    for (const [name, expected] of Object.entries(e[field] ?? {})) {
      const path = [...at.path, field, name];
      const state = await at.member(name);
      if (state === undefined) {
        at.fail('expect-member', path, FAIL.noState(name), expected, null);
        continue;
      }
      const f = SCALARS[field];
      const actual = f.read(state);
      if (actual === expected) at.pass();
      else at.fail(`expect-${field}`, path, FAIL.value(f.en, f.zh, name, expected, actual), expected, actual);
    }
  }
  for (const field of ['tags', 'goals', 'groups'] as const) {
    for (const [name, expected] of Object.entries(e[field] ?? {})) {
      const path = [...at.path, field, name];
      const state = await at.member(name);
      if (state === undefined) {
        at.fail('expect-member', path, FAIL.noState(name), expected, null);
        continue;
      }
      const f = SETS[field];
      const has = f.read(state);
      const missing = expected.filter((x) => !has.includes(x));
      if (missing.length === 0) at.pass();
      else at.fail(`expect-${field}`, path, FAIL.missing(f.en, f.zh, name, missing, has), expected, has);
    }
  }
  for (const [name, journeys] of Object.entries(e.at ?? {})) {
    for (const [journey, expected] of Object.entries(journeys)) {
      const path = [...at.path, 'at', name, journey];
      if ((await at.member(name)) === undefined) {
        at.fail('expect-member', path, FAIL.noState(name), expected, null);
        continue;
      }
      const actual = (await at.position(name, journey)) ?? 'not started';
      if (actual === expected) at.pass();
      else
        at.fail(
          'expect-at',
          path,
          FAIL.value(`position in \`${journey}\``, `在 \`${journey}\` 中的位置`, name, expected, actual),
          expected,
          actual,
        );
    }
  }
}

async function checkLedger(e: Expectation, at: Moment): Promise<void> {
  if (e.ledger === undefined) return;
  const totals = await at.ledger();
  for (const field of LEDGER_FIELDS) {
    const expected = e.ledger[field];
    if (expected === undefined) continue;
    const path = [...at.path, 'ledger', field];
    const actual = totals[field];
    if (actual === undefined) {
      at.fail(
        'expect-unsupported',
        path,
        FAIL.unsupported(
          `\`ledger.${field}\``,
          'the ledger mechanic is not running for this playbook (it keeps orders, payments and commissions)',
        ),
        expected,
        null,
      );
    } else if (actual === expected) at.pass();
    else at.fail('expect-ledger', path, FAIL.ledger(field, expected, actual), expected, actual);
  }
}

function checkEvents(e: Expectation, at: Moment): void {
  e.events?.forEach((type, j) => {
    if (at.events.some((x) => x.type === type)) at.pass();
    else {
      const seen = [...new Set(at.events.map((x) => x.type))];
      at.fail('expect-event', [...at.path, 'events', j], FAIL.events(type, seen), type, seen);
    }
  });
}

/** Every expectation of one moment, each reported at its own place in the test file. */
export async function checkExpectation(e: Expectation, at: Moment): Promise<void> {
  checkMessages(e, at);
  await checkMembers(e, at);
  await checkLedger(e, at);
  checkEvents(e, at);
}
