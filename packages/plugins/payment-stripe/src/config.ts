import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

export const StripeConfig = Type.Object({
  baseUrl: BaseUrl('https://api.stripe.com'),
  apiKey: Secret({
    description: 'Secret API key (sk_live_… or sk_test_…), from Dashboard → Developers → API keys',
  }),
  webhookSecret: Secret({
    description:
      "Signing secret of the webhook endpoint (whsec_…), shown on the endpoint's page in the Dashboard",
  }),
  successUrl: Type.String({
    format: 'uri',
    description: 'Where Checkout sends the payer after paying ({CHECKOUT_SESSION_ID} is filled in by Stripe)',
  }),
  cancelUrl: Type.Optional(Type.String({ format: 'uri', description: 'Where the payer goes on cancel' })),
});
export type StripeConfig = Static<typeof StripeConfig>;

/** Metadata keys the plugin puts on Stripe objects, to read its order and refund ids back from webhooks. */
export const META = {
  order: 'kith_order',
  member: 'kith_member',
  capture: 'kith_capture',
  refund: 'kith_refund',
} as const;
