import { Ledger, MONEY_MECHANICS } from '../src/index.js';
import { createTestKit, type TestKitOptions } from '../src/testing/index.js';
import { HEAD } from './fixtures.js';

export interface MoneyPlaybook {
  /** YAML of `offers:` entries, each indented by two spaces. */
  offers: string;
  /** A whole `referrals:` block, if any. */
  referrals?: string;
  tiers?: string;
  /** Event type → message text: a journey per event that tells the member (how tests see events). */
  tell?: Record<string, string>;
  /** More journeys (YAML list items, indented by six spaces). */
  journeys?: string;
}

/** A playbook for the money tests: one journey per offer, started by `buy.<offer>` (`n` keys each order). */
export function moneyPlaybook(p: MoneyPlaybook): string {
  const ids = [...p.offers.matchAll(/^ {2}([a-z-]+):/gm)].map((m) => m[1]!);
  const buy = ids.map(
    (id) => `      - journey: buy-${id}
        on: buy.${id}
        reentry: always
        entryKey: event.n
        steps:
          - { id: o, offer: { offer: ${id}, via: tg, text: "{{ price }}" } }`,
  );
  const tell = Object.entries(p.tell ?? {}).map(
    ([event, text], i) => `      - journey: tell-${i}
        on: ${event}
        reentry: always
        entryKey: event.id
        steps:
          - { id: s, send: { via: tg, text: ${JSON.stringify(text)} } }`,
  );
  return `${HEAD}
tiers:
  ${p.tiers ?? 'member: {}\n  vip: {}\n  kol: {}'}
offers:
${p.offers}
${p.referrals ?? ''}
stages:
  transact:
    journeys:
${[...buy, ...tell].join('\n')}
${p.journeys ?? ''}
`;
}

/** A test kit running the money mechanics, with helpers to buy, pay and refund. */
export async function moneyKit(yaml: string, options: TestKitOptions = {}) {
  const kit = await createTestKit(yaml, { mechanics: MONEY_MECHANICS, ...options });
  let n = 0;
  const ledger = new Ledger(kit.store, kit.tenant);
  return Object.assign(kit, {
    ledger,
    /** Runs the offer step for `offer` and returns the order id of its checkout. */
    async buy(member: string, offer: string): Promise<string> {
      await kit.event(`buy.${offer}`, member, { n: ++n });
      const mine = kit.effects.of('payment.checkout').filter((e) => e.member === member);
      return (mine[mine.length - 1]!.data as { orderId: string }).orderId;
    },
    pay(member: string, orderId: string, paymentId = `pay-${orderId}`, extra: Record<string, unknown> = {}) {
      return kit.event('payment.succeeded', member, { orderId, paymentId, provider: 'stripe', ...extra });
    },
    refund(
      member: string,
      orderId: string,
      refundId: string,
      amount?: number,
      extra: Record<string, unknown> = {},
    ) {
      return kit.event('payment.refunded', member, {
        orderId,
        refundId,
        ...(amount === undefined ? {} : { amount }),
        ...extra,
      });
    },
    /** Data of delivered effects of a type. */
    data<T = Record<string, unknown>>(type: string): T[] {
      return kit.effects.of(type).map((e) => e.data as unknown as T);
    },
  });
}

export type MoneyKit = Awaited<ReturnType<typeof moneyKit>>;
