import { Type } from '@sinclair/typebox';
import { AnyValue, doc, IdMap, Int, Obj } from './common.js';

export const PluginUse = Type.String({
  pattern: '^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*(@[~^<>=*0-9A-Za-z.| -]+)?$',
  ...doc(
    'The plugin that runs this instance: its catalogue name (telegram, wecom, stripe, …) or npm package name, optionally pinned to a semver range after `@`. Each journey instance records the exact plugin version it ran with.',
    ['telegram', 'telegram@^1', 'wecom@1.2.x', '@acme/kith-channel-line@^2'],
  ),
});

const RateLimit = Obj(
  {
    max: Int({ minimum: 1, ...doc('Messages allowed per window.', [20]) }),
    per: Type.String({
      format: 'kith-duration',
      ...doc('The window the maximum applies to.', ['1m', '1s']),
    }),
  },
  {
    additionalProperties: false,
    ...doc(
      "Tighten the provider's declared rate limit for this instance (the runtime never sends faster than the plugin's own limit).",
      [{ max: 10, per: '1m' }],
    ),
  },
);

const PluginInstanceFields = {
  use: PluginUse,
  with: Type.Record(Type.String(), AnyValue('A configuration value.', ['${secrets.TG_TOKEN}']), {
    ...doc(
      "The plugin's configuration, checked against the plugin's own JSON Schema. Credentials must be `${secrets.NAME}` references, never literal values.",
      [{ token: '${secrets.TG_TOKEN}' }],
    ),
  }),
  description: Type.String(
    doc('What this instance is for, shown in the editor.', ['Main Telegram group bot']),
  ),
};

export const Channel = Obj(
  { ...PluginInstanceFields, rateLimit: RateLimit },
  {
    additionalProperties: false,
    required: ['use'],
    ...doc('A channel (carrier, 载体) members are reached on: a chat app, email or a webhook.', [
      { use: 'telegram@^1', with: { token: '${secrets.TG_TOKEN}' } },
    ]),
  },
);

export const Payment = Obj(
  { ...PluginInstanceFields },
  {
    additionalProperties: false,
    required: ['use'],
    ...doc('A payment provider instance that creates checkouts and reports payments and refunds.', [
      { use: 'stripe@^1', with: { apiKey: '${secrets.STRIPE_KEY}' } },
    ]),
  },
);

export const Channels = IdMap(
  Channel,
  doc('Channel plugin instances by id; steps name them in `via`.', [
    { group: { use: 'telegram', with: { token: '${secrets.TG_TOKEN}' } } },
  ]),
);

export const Payments = IdMap(
  Payment,
  doc('Payment plugin instances by id; offers name them in `payment`.', [
    { pay: { use: 'stripe', with: { apiKey: '${secrets.STRIPE_KEY}' } } },
  ]),
);

export const Secret = Obj(
  {
    description: Type.String(
      doc('What the secret is and where to get it.', ['Telegram bot token from @BotFather']),
    ),
  },
  { additionalProperties: false, ...doc('A declared secret.', [{ description: 'Stripe secret key' }]) },
);

export const Secrets = Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Secret, {
  additionalProperties: false,
  ...doc(
    'Secrets the playbook needs, by name. Values are stored by the server (write-only) and referenced as `${secrets.NAME}`; a playbook never contains them.',
    [{ TG_TOKEN: { description: 'Telegram bot token' } }],
  ),
});
