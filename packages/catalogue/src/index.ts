/**
 * The plugins this Kith installation ships with, and their catalogue: what the validator checks
 * `with:` blocks against, what the editor renders forms from, and what the runtime instantiates.
 */
import dingtalk from '@kith/channel-dingtalk';
import email from '@kith/channel-email';
import feishu from '@kith/channel-feishu';
import sandboxChannel from '@kith/channel-sandbox';
import telegram from '@kith/channel-telegram';
import webhook from '@kith/channel-webhook';
import wecom from '@kith/channel-wecom';
import { alipayPayments } from '@kith/payment-alipay';
import { sandboxPayments } from '@kith/payment-sandbox';
import { stripePayments } from '@kith/payment-stripe';
import { wechatPayments } from '@kith/payment-wechatpay';
import { type CatalogueEntry, type Plugin, pluginCatalogueEntry } from '@kith/sdk';

/** Every first-party plugin, channels first. */
export const FIRST_PARTY_PLUGINS: readonly Plugin[] = [
  sandboxChannel,
  webhook,
  email,
  telegram,
  wecom,
  feishu,
  dingtalk,
  sandboxPayments,
  stripePayments,
  wechatPayments,
  alipayPayments,
];

let entries: CatalogueEntry[] | undefined;

/** The catalogue entries of the installed plugins (JSON: schemas, actions, limits, events). */
export function pluginCatalogue(plugins: readonly Plugin[] = FIRST_PARTY_PLUGINS): CatalogueEntry[] {
  if (plugins === FIRST_PARTY_PLUGINS) {
    entries ??= plugins.map((p) => pluginCatalogueEntry(p));
    return entries;
  }
  return plugins.map((p) => pluginCatalogueEntry(p));
}

/**
 * The rate limits the installed plugins declare, by plugin name: what the simulator checks its
 * predicted sends against (the CLI's `kith simulate` and the server's simulations alike).
 */
export function installedRateLimits(
  plugins: readonly Plugin[] = FIRST_PARTY_PLUGINS,
): Record<string, CatalogueEntry['rateLimits']> {
  return Object.fromEntries(pluginCatalogue(plugins).map((e) => [e.name, e.rateLimits]));
}
