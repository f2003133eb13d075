import { Secret, type Static, Type } from '@kith/sdk';

export const EmailConfig = Type.Object({
  host: Type.String({ minLength: 1, description: 'SMTP server host name (smtp.example.org).' }),
  port: Type.Integer({
    minimum: 1,
    maximum: 65_535,
    default: 587,
    description: 'SMTP port: 587 (submission, STARTTLS) or 465 (implicit TLS, with secure: true).',
  }),
  secure: Type.Boolean({
    default: false,
    description:
      'Connect over TLS from the first byte (port 465). Otherwise STARTTLS upgrades the connection.',
  }),
  requireTls: Type.Boolean({
    default: true,
    description:
      'Refuse to log in or send unless the connection is encrypted. Turn off only for a relay on a private network.',
  }),
  user: Type.Optional(Secret({ description: 'SMTP user name (leave out for a relay that needs no login).' })),
  pass: Type.Optional(Secret({ description: 'SMTP password or app password.' })),
  from: Type.String({
    minLength: 3,
    description: 'The From address: `hello@club.example` or `"Mums Club" <hello@club.example>`.',
  }),
  replyTo: Type.Optional(Type.String({ minLength: 3, description: 'Where replies go, when not to From.' })),
  linkSecret: Secret({
    minLength: 32,
    description:
      'Key that signs unsubscribe and button links (32+ random characters). Changing it voids the links in emails already sent.',
  }),
  webhookUrl: Type.String({
    format: 'uri',
    description:
      'Public URL where Kith mounts this channel’s webhook (https://kith.example/hooks/<instance>): unsubscribe and button links point under it.',
  }),
  unsubscribeMailto: Type.Optional(
    Type.String({
      format: 'email',
      description:
        'A mailbox for mailto: unsubscribe requests, listed in List-Unsubscribe beside the one-click link. You process what arrives there.',
    }),
  ),
  inviteUrl: Type.Optional(
    Type.String({
      format: 'uri',
      description:
        'Your sign-up page; invites are this URL with ?code=… (default: the webhook URL’s origin + /join).',
    }),
  ),
  timeoutMs: Type.Integer({
    minimum: 1000,
    maximum: 120_000,
    default: 30_000,
    description:
      'How long to wait for the SMTP server at each step before counting the send as failed (transient).',
  }),
});

export type EmailConfig = Static<typeof EmailConfig>;
