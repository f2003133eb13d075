import { Secret, type Static, Type } from '@kith/sdk';

const WHSEC = '^whsec_[A-Za-z0-9+/]+={0,2}$';

export const WebhookConfig = Type.Object({
  url: Type.String({ format: 'uri', description: 'Where deliveries are POSTed (your system’s endpoint).' }),
  secret: Secret({
    pattern: WHSEC,
    description: 'Standard Webhooks signing secret (whsec_…), shared with the receiver.',
  }),
  inboundSecret: Type.Optional(
    Secret({
      pattern: WHSEC,
      description: 'Secret your system signs inbound events with (default: the same secret).',
    }),
  ),
  inviteBaseUrl: Type.Optional(
    Type.String({
      format: 'uri',
      description: 'Invite links are this URL with ?code=… (default: the url’s origin + /join).',
    }),
  ),
  timeoutMs: Type.Integer({
    minimum: 100,
    maximum: 60_000,
    default: 10_000,
    description: 'How long to wait for the receiver before counting the delivery as failed (transient).',
  }),
});

export type WebhookConfig = Static<typeof WebhookConfig>;
