import type { ChannelCapability } from '@kith/sdk';
import type { WebhookConfig } from './config.js';
import { deliver } from './deliver.js';
import { OUTBOUND } from './envelope.js';

/** Sends the message as a `message.send` envelope; the receiver renders it wherever it likes. */
export const send: ChannelCapability<WebhookConfig>['send'] = async (ctx, message) => {
  const providerMessageId = await deliver(ctx, OUTBOUND.send, {
    to: message.to,
    text: message.text,
    subject: message.subject,
    html: message.html,
    image: message.image,
    buttons: message.buttons,
  });
  return { providerMessageId };
};
