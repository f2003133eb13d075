import { MONEY_MECHANICS } from '../src/index.js';
import { createTestKit, type TestKit, type TestKitOptions } from '../src/testing/index.js';
import { HEAD } from './fixtures.js';

/** Offers used by the money tests: one journey per offer, started by `buy.<offer>` (`n` keys each order). */
export function moneyPlaybook(offers: string, referrals = '', tiers = 'member: {}\n  vip: {}\n  kol: {}'): string {
  const ids = [...offers.matchAll(/^ {2}([a-z-]+):/gm)].map((m) => m[1]!);
  const journeys = ids
    .map(
      (id) => `      - journey: buy-${id}
        on: buy.${id}
        reentry: always
        entryKey: event.n
        steps:
          - { id: o, offer: { offer: ${id}, via: tg, text: "{{ price }} {{ checkout.url }}" } }`,
    )
    .join('\n');
  return `${HEAD}
tiers:
  ${tiers}
offers:
${offers}
${referrals}
stages:
  transact:
    journeys:
${journeys}
`;
}

export async function moneyKit(yaml: string, options: TestKitOptions = {}) {
  const kit = await createTestKit(yaml, { mechanics: MONEY_MECHANICS, ...options });
  let n = 0;
  return Object.assign(kit, {
    /** Runs the offer step for `offer` and returns the order id of its checkout. */
    async buy(member: string, offer: string): Promise<string> {
      await kit.event(`buy.${offer}`, member, { n: ++n });
      const mine = kit.effects.of('payment.checkout').filter((e) => e.member === member);
      return (mine[mine.length - 1]!.data as { orderId: string }).orderId;
    },
    async pay(member: string, orderId: string, paymentId = `pay-${orderId}`, extra: Record<string, unknown> = {}) {
      return kit.event('payment.succeeded', member, { orderId, paymentId, provider: 'stripe', ...extra });
    },
    async refund(member: string, orderId: string, refundId: string, amount?: number) {
      return kit.event('payment.refunded', member, { orderId, refundId, ...(amount === undefined ? {} : { amount }) });
    },
  });
}

export type MoneyKit = Awaited<ReturnType<typeof moneyKit>> & TestKit;
