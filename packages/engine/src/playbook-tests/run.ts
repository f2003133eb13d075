import type { Diagnostic, PlaybookTest } from '@kith/playbook/browser';
import { DEFAULT_MECHANICS } from '../mechanics/index.js';
import { PAYMENT_EFFECTS } from '../mechanics/ledger/index.js';
import type { Mechanic } from '../mechanics/types.js';
import { type CheckoutData, EFFECTS, type MessageData } from '../model/effect.js';
import { isLive } from '../model/instance.js';
import { type MemberState, newMemberState } from '../model/member.js';
import { createTestKit, type TestKit } from '../testing/harness.js';
import { durationMs } from '../time/duration.js';
import { checkExpectation, type Moment, type TimelineItem } from './expect.js';
import { ledgerTotals } from './ledger.js';
import { type LoadedTest, loadTest, testDiagnostic } from './load.js';
import type { TestPath } from './locate.js';
import { EventLog } from './observe.js';
import type { PlaybookTestResult, RunTestOptions, SentMessage, TestFailure } from './types.js';
import { type Bilingual, FAIL, SETUP } from './words.js';

const REFUND_EFFECT = PAYMENT_EFFECTS.refund;

/** When a test without `start` begins: Monday 2026-01-05 00:00 UTC, the test kit's own default. */
export const DEFAULT_TEST_START = '2026-01-05T00:00:00Z';

type TestMember = PlaybookTest['members'][string];

/**
 * Runs one playbook test (`*.test.yaml` text): members join at `start`, each timeline moment's
 * event, payment or refund goes in at its virtual time, then its expectations are checked. Never
 * throws for a bad test or a failing playbook: problems come back as positioned diagnostics.
 *
 * @example
 * const result = await runPlaybookTest(text, 'playbooks/mother-baby/tests/attract.test.yaml', { host: nodeHost });
 * if (result.status !== 'passed') console.log(result.failures.map((f) => `${f.line}:${f.column} ${f.message}`));
 */
export async function runPlaybookTest(
  text: string,
  file: string,
  options: RunTestOptions,
): Promise<PlaybookTestResult> {
  const started = performance.now();
  const { loaded, diagnostics, sources } = loadTest(text, file, options.host);
  const base = { file, sources, checks: 0, failures: [] as TestFailure[] };
  if (loaded === undefined) {
    return { ...base, name: nameOf(text, file), status: 'invalid', diagnostics, durationMs: since(started) };
  }
  const session = new Session(loaded, file, options.mechanics ?? DEFAULT_MECHANICS);
  await session.run();
  return {
    ...base,
    name: loaded.test.name,
    status: session.failures.length === 0 ? 'passed' : 'failed',
    checks: session.checks,
    failures: session.failures,
    diagnostics: [],
    durationMs: since(started),
  };
}

/** Reads the file through the host, then runs it; an unreadable file is an `invalid` result. */
export async function runPlaybookTestFile(file: string, options: RunTestOptions): Promise<PlaybookTestResult> {
  const started = performance.now();
  let text: string;
  try {
    text = options.host.readFile(file);
  } catch (e) {
    const words = SETUP.unreadable(file, e instanceof Error ? e.message : String(e));
    const d: Diagnostic = {
      severity: 'error',
      code: 'file-not-found',
      message: words.en.message,
      hint: words.en.hint,
      zh: words.zh,
      file,
      path: '',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      offset: 0,
      endOffset: 0,
    };
    return {
      file,
      name: file,
      status: 'invalid',
      durationMs: since(started),
      checks: 0,
      failures: [],
      diagnostics: [d],
      sources: new Map(),
    };
  }
  return runPlaybookTest(text, file, options);
}

function since(t: number): number {
  return Math.round((performance.now() - t) * 10) / 10;
}

/** The test's name for the report even when it does not validate. */
function nameOf(text: string, file: string): string {
  const m = /^name:\s*(?:"([^"]+)"|'([^']+)'|(.+?))\s*$/m.exec(text);
  return m?.[1] ?? m?.[2] ?? m?.[3] ?? file.replace(/^.*[\\/]/, '');
}

/** `alice:welcome:1` / `alice:welcome[key]:2` → `welcome`. */
function journeyOf(instance: string, member: string): string {
  return instance.slice(member.length + 1).replace(/(?:\[.*\])?:\d+$/, '');
}

/** One test's run: the kit, the members, the windows of messages and events per `expect`. */
class Session {
  readonly failures: TestFailure[] = [];
  checks = 0;
  private kit!: TestKit;
  private readonly log: EventLog;
  private readonly mechanics: readonly Mechanic[];
  private readonly start: number;
  private readonly joined = new Set<string>();
  private seenMessages = 0;
  private seenEvents = 0;
  private windowStart = 'start';
  private payments = 0;
  /** Keys of engine-requested refunds already reported back. */
  private readonly refunded = new Set<string>();

  constructor(
    private readonly t: LoadedTest,
    private readonly file: string,
    mechanics: readonly Mechanic[],
  ) {
    this.start = new Date(t.test.start ?? DEFAULT_TEST_START).getTime();
    this.log = new EventLog(() => this.kit.clock.now());
    this.mechanics = mechanics.map((m) => this.log.wrap(m));
  }

  async run(): Promise<void> {
    this.kit = await createTestKit(this.t.playbook, {
      start: this.start,
      params: this.t.params,
      mechanics: this.mechanics,
      kernel: { trace: false },
      observer: this.log.observer,
    });
    const { members, timeline } = this.t.test;
    try {
      for (const name of joinOrder(members)) await this.join(name, {});
    } catch (e) {
      this.crash(['members'], 'start', e);
      return;
    }
    for (const [i, item] of timeline.entries()) {
      const here: TestPath = ['timeline', i];
      try {
        await this.kit.until(this.start + durationMs(item.at));
        await this.input(item, here);
        if (item.expect !== undefined) {
          await checkExpectation(item.expect, this.moment(item, [...here, 'expect']));
          this.seenMessages = this.kit.effects.delivered.length;
          this.seenEvents = this.log.events.length;
          this.windowStart = item.at;
        }
      } catch (e) {
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
    this.failures.push({ ...d, moment, since: this.windowStart, expected, actual, sent: this.sentSince() });
  }

  /** A member joins: its starting tier and points are seeded first, its profile goes on the event. */
  private async join(name: string, data: Record<string, unknown>): Promise<void> {
    const m = this.t.test.members[name] ?? {};
    if (!this.joined.has(name) && (await this.kit.runtime.member(this.kit.tenant, name)) === undefined) {
      await this.seed(name, m);
    }
    this.joined.add(name);
    await this.kit.event('member.joined', name, { ...this.profileData(name, m), ...data });
  }

  /** A starting tier is pinned (as if set by hand): automatic demotion leaves it alone. */
  private async seed(name: string, m: TestMember): Promise<void> {
    if (m.tier === undefined && m.points === undefined) return;
    const state: MemberState = newMemberState(this.kit.tenant, name);
    if (m.tier !== undefined) {
      state.profile.tier = m.tier;
      state.tierPinned = true;
    }
    if (m.points !== undefined) state.profile.points = m.points;
    await this.kit.store.commitMember({
      tenant: this.kit.tenant,
      state,
      expectedRev: 0,
      eventId: null,
      effects: [],
      finished: [],
    });
  }

  /** `member.joined` data for a test member: an address on every channel, so messages can reach it. */
  private profileData(name: string, m: TestMember): Record<string, unknown> {
    const channels = Object.keys(this.t.playbook.channels ?? {});
    const data: Record<string, unknown> = {
      name: m.name ?? name,
      identities: Object.fromEntries(channels.map((c) => [c, `${name}@${c}`])),
    };
    if (m.timezone !== undefined) data.timezone = m.timezone;
    if (m.locale !== undefined) data.locale = m.locale;
    if (m.attributes !== undefined) data.attributes = m.attributes;
    if (m.tags !== undefined) data.tags = m.tags;
    if (m.entry !== undefined) data.entry = m.entry;
    if (m.referrer !== undefined) data.referrer = m.referrer;
    return data;
  }

  /** The moment's input: an event, a payment or a refund (in that order, when several are given). */
  private async input(item: TimelineItem, here: TestPath): Promise<void> {
    const member = item.member ?? null;
    if (item.event !== undefined) {
      if (item.event === 'member.joined' && member !== null) await this.join(member, item.data ?? {});
      else await this.kit.event(item.event, member, item.data ?? {});
    }
    if (item.pay !== undefined && member !== null) await this.pay(member, item.pay, item.at, [...here, 'pay']);
    if (item.refund !== undefined && member !== null)
      await this.refund(member, item.refund, item.at, [...here, 'refund']);
  }

  /**
   * Pays the member's latest open checkout of the offer, as the payment provider would report it:
   * the order id from the checkout effect, a payment id of its own.
   */
  private async pay(member: string, offer: string, moment: string, path: TestPath): Promise<void> {
    const state = await this.kit.runtime.member(this.kit.tenant, member);
    const open = this.kit.effects
      .of(EFFECTS.checkout)
      .filter((e) => e.member === member)
      .map((e) => ({ effect: e, data: e.data as unknown as CheckoutData }))
      .filter((c) => state?.orders[c.data.orderId]?.status === 'pending');
    const chosen = open.filter((c) => c.data.offer === offer).at(-1);
    if (chosen === undefined) {
      const names = open.map((c) => `${c.data.offer} (${c.data.orderId})`);
      this.fail(path, moment, 'no-checkout', FAIL.noCheckout(member, offer, names), offer, names);
      return;
    }
    const { orderId, amount, currency } = chosen.data;
    await this.kit.event('payment.succeeded', member, {
      orderId,
      paymentId: `pay-${++this.payments}`,
      offer,
      amount,
      currency,
      provider: chosen.effect.target,
    });
  }

  /**
   * A refund as the provider reports it: the refund the engine asked for (a campaign that failed,
   * a duplicate charge) if one is outstanding for this offer, else a full refund of the member's
   * latest paid order (the customer asked the provider directly).
   */
  private async refund(member: string, offer: string, moment: string, path: TestPath): Promise<void> {
    const asked = this.kit.effects
      .of(REFUND_EFFECT)
      .filter((e) => e.member === member && e.data.offer === offer && !this.refunded.has(e.key))
      .at(0);
    if (asked !== undefined) {
      this.refunded.add(asked.key);
      const { orderId, paymentId, refundId, amount, currency } = asked.data;
      await this.kit.event('payment.refunded', member, { orderId, paymentId, refundId, amount, currency, offer });
      return;
    }
    const state = await this.kit.runtime.member(this.kit.tenant, member);
    const order = Object.values(state?.orders ?? {})
      .filter((o) => o.offer === offer && o.status === 'paid')
      .sort((a, b) => (a.paidAt ?? 0) - (b.paidAt ?? 0))
      .at(-1);
    if (order === undefined) {
      this.fail(path, moment, 'no-paid-order', FAIL.noPaidOrder(member, offer), offer, null);
      return;
    }
    await this.kit.event('payment.refunded', member, {
      orderId: order.id,
      refundId: `refund-${++this.payments}`,
      offer,
      amount: order.amount,
      currency: order.currency,
    });
  }

  /** Messages delivered since the previous `expect`, in delivery order. */
  private sentSince(): SentMessage[] {
    if (this.kit === undefined) return [];
    const out: SentMessage[] = [];
    const delivered = this.kit.effects.delivered;
    for (let i = this.seenMessages; i < delivered.length; i++) {
      const e = delivered[i]!;
      if (e.type !== EFFECTS.send) continue;
      const d = e.data as unknown as MessageData;
      const to =
        e.member === null
          ? null
          : d.to.kind === 'member'
            ? d.to.member
            : d.to.kind === 'referrer'
              ? d.to.referrer
              : e.member;
      const journey = e.instance !== null && e.member !== null ? journeyOf(e.instance, e.member) : null;
      out.push({
        to,
        kind: e.member === null ? 'community' : d.to.kind,
        via: e.target,
        step: journey !== null && e.step !== null ? `${journey}.${e.step}` : null,
        text: d.text,
        at: new Date(this.kit.effects.deliveredAt(e.key)).toISOString(),
      });
    }
    return out;
  }

  private moment(item: TimelineItem, path: TestPath): Moment {
    const kit = this.kit;
    return {
      path,
      sent: this.sentSince(),
      events: this.log.events.slice(this.seenEvents),
      member: (name) => kit.runtime.member(kit.tenant, name),
      position: async (name, journey) => {
        const state = await kit.runtime.member(kit.tenant, name);
        const live = (state?.instances ?? []).filter((i) => i.journey === journey && isLive(i));
        if (live.length > 0) {
          const inst = live.at(-1)!;
          const kernel = kit.runtime.kernel(kit.tenant);
          const pb = kernel.version(inst.version) ?? kernel.current;
          return pb.journeys.get(journey)?.steps[inst.pc]?.id ?? `#${inst.pc}`;
        }
        return kit.finished(name).some((i) => i.journey === journey) ? 'done' : undefined;
      },
      ledger: () =>
        ledgerTotals({ store: kit.store, tenant: kit.tenant, playbook: kit.runtime.kernel(kit.tenant).current }),
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

/** Members in declaration order, each after the member who referred it (when both join at the start). */
function joinOrder(members: PlaybookTest['members']): string[] {
  const out: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (out.includes(name) || visiting.has(name)) return;
    const m = members[name];
    if (m === undefined || m.joined === false) return;
    visiting.add(name);
    if (m.referrer !== undefined) visit(m.referrer);
    out.push(name);
  };
  for (const name of Object.keys(members)) visit(name);
  return out;
}
