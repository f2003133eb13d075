import { DEFAULT_MECHANICS } from '../mechanics/index.js';
import type { Mechanic } from '../mechanics/types.js';
import { isLive } from '../model/instance.js';
import { createTestKit, type TestKit } from '../testing/harness.js';
import { durationMs } from '../time/duration.js';
import { checkExpectation, type Moment, type TimelineItem } from './expect.js';
import { ledgerTotals } from './ledger.js';
import { type LoadedTest, testDiagnostic } from './load.js';
import type { TestPath } from './locate.js';
import { joinData, joinOrder, seedMember } from './members.js';
import { EventLog } from './observe.js';
import { payCheckout, reportRefund } from './payments.js';
import { sentMessages } from './sent.js';
import type { SentMessage, TestFailure } from './types.js';
import { type Bilingual, FAIL } from './words.js';

/** When a test without `start` begins: Monday 2026-01-05 00:00 UTC, the test kit's own default. */
export const DEFAULT_TEST_START = '2026-01-05T00:00:00Z';

/**
 * One test's run on a test kit: members join at the start, each moment's input goes in at its
 * virtual time, then its expectations are checked against the window of messages and events
 * since the previous `expect`.
 */
export class Session {
  readonly failures: TestFailure[] = [];
  checks = 0;
  private kit: TestKit | undefined;
  private readonly log: EventLog;
  private readonly mechanics: readonly Mechanic[];
  private readonly start: number;
  /** Where the current window begins: delivered effects, logged events, and its moment's name. */
  private window = { messages: 0, events: 0, since: 'start' };
  private ids = 0;
  /** Keys of engine-requested refunds already reported back. */
  private readonly refunded = new Set<string>();

  constructor(
    private readonly t: LoadedTest,
    private readonly file: string,
    mechanics: readonly Mechanic[] = DEFAULT_MECHANICS,
  ) {
    this.start = new Date(t.test.start ?? DEFAULT_TEST_START).getTime();
    this.log = new EventLog(() => this.kit?.clock.now() ?? this.start);
    this.mechanics = mechanics.map((m) => this.log.wrap(m));
  }

  async run(): Promise<void> {
    const kit = await createTestKit(this.t.playbook, {
      start: this.start,
      params: this.t.params,
      mechanics: this.mechanics,
      kernel: { trace: false },
      observer: this.log.observer,
    });
    this.kit = kit;
    try {
      for (const name of joinOrder(this.t.test.members)) await this.join(kit, name, {});
    } catch (e) {
      this.crash(['members'], 'start', e);
      return;
    }
    for (const [i, item] of this.t.test.timeline.entries()) {
      const here: TestPath = ['timeline', i];
      try {
        await kit.until(this.start + durationMs(item.at));
        await this.input(kit, item, here);
        if (item.expect !== undefined) {
          await checkExpectation(item.expect, this.moment(kit, item, [...here, 'expect']));
          this.window = {
            messages: kit.effects.delivered.length,
            events: this.log.events.length,
            since: item.at,
          };
        }
      } catch (e) {
        // an engine error is a failure of this moment, never an exception out of the runner
        this.crash(here, item.at, e);
        return;
      }
    }
  }

  private crash(path: TestPath, moment: string, e: unknown): void {
    const reason = e instanceof Error ? e.message : String(e);
    this.fail(path, moment, 'test-crashed', FAIL.crashed(reason), null, reason);
  }

  private fail(
    path: TestPath,
    moment: string,
    code: string,
    words: Bilingual,
    expected: unknown,
    actual: unknown,
  ): void {
    const d = testDiagnostic(this.file, this.t.positions, code, path, words);
    this.failures.push({ ...d, moment, since: this.window.since, expected, actual, sent: this.sent() });
  }

  private sent(): SentMessage[] {
    return this.kit === undefined ? [] : sentMessages(this.kit.effects, this.window.messages);
  }

  /** A member joins with its profile from `members:` (the event's own data wins). */
  private async join(kit: TestKit, name: string, data: Record<string, unknown>): Promise<void> {
    const m = this.t.test.members[name] ?? {};
    await seedMember(kit, name, m);
    await kit.event('member.joined', name, { ...joinData(this.t.playbook, name, m), ...data });
  }

  /** The moment's input: an event, a payment or a refund (in that order, when several are given). */
  private async input(kit: TestKit, item: TimelineItem, here: TestPath): Promise<void> {
    const member = item.member ?? null;
    if (item.event !== undefined) {
      if (item.event === 'member.joined' && member !== null) await this.join(kit, member, item.data ?? {});
      else await kit.event(item.event, member, item.data ?? {});
    }
    if (item.pay !== undefined && member !== null) {
      const r = await payCheckout(kit, member, item.pay, `pay-${++this.ids}`);
      if (!r.paid)
        this.fail(
          [...here, 'pay'],
          item.at,
          'no-checkout',
          FAIL.noCheckout(member, item.pay, r.open),
          item.pay,
          r.open,
        );
    }
    if (item.refund !== undefined && member !== null) {
      if (!(await reportRefund(kit, member, item.refund, this.refunded, `refund-${++this.ids}`)))
        this.fail(
          [...here, 'refund'],
          item.at,
          'no-paid-order',
          FAIL.noPaidOrder(member, item.refund),
          item.refund,
          null,
        );
    }
  }

  private moment(kit: TestKit, item: TimelineItem, path: TestPath): Moment {
    return {
      path,
      sent: this.sent(),
      events: this.log.events.slice(this.window.events),
      member: (name) => kit.runtime.member(kit.tenant, name),
      position: async (name, journey) => {
        const state = await kit.runtime.member(kit.tenant, name);
        const live = (state?.instances ?? []).filter((i) => i.journey === journey && isLive(i));
        const inst = live.at(-1);
        if (inst !== undefined) {
          const kernel = kit.runtime.kernel(kit.tenant);
          const pb = kernel.version(inst.version) ?? kernel.current;
          return pb.journeys.get(journey)?.steps[inst.pc]?.id ?? `#${inst.pc}`;
        }
        return kit.finished(name).some((i) => i.journey === journey) ? 'done' : undefined;
      },
      ledger: () =>
        ledgerTotals({
          store: kit.store,
          tenant: kit.tenant,
          playbook: kit.runtime.kernel(kit.tenant).current,
        }),
      pass: () => {
        this.checks++;
      },
      fail: (code, p, words, expected, actual) => {
        this.checks++;
        this.fail(p, item.at, code, words, expected, actual);
      },
    };
  }
}
