import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

const Rate = (description: string) =>
  Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0, description }));
const Duration = (fallback: string, description: string) =>
  Type.Optional(Type.String({ pattern: '^(\\d+(ms|s|m|h|d))+$', default: fallback, description }));

export const SandboxConfig = Type.Object({
  baseUrl: BaseUrl('http://127.0.0.1:4010'),
  webhookSecret: Secret({
    description:
      'Standard Webhooks secret (whsec_…) shared with the sandbox service, which signs its events with it',
  }),
  outcome: Type.Optional(
    Type.Union([Type.Literal('pay'), Type.Literal('fail'), Type.Literal('ask')], {
      default: 'pay',
      description: 'pay or fail every checkout by itself, or ask: wait for a click on the sandbox page',
    }),
  ),
  payAfter: Duration('0s', 'How long after the checkout the automatic outcome happens'),
  failRate: Rate('With outcome pay: the share of orders that fail instead, picked by a hash of the order id'),
  refundRate: Rate('The share of paid orders refunded in full later, picked by a hash of the order id'),
  refundAfter: Duration('1d', 'How long after the payment an automatic refund happens'),
});
export type SandboxConfig = Static<typeof SandboxConfig>;
