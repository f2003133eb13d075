import { createHash } from 'node:crypto';
import type { OutboundMessage, PluginContext } from '@kith/sdk';
import type { EmailConfig } from './config.js';
import { linkUrl, messageRef } from './links.js';
import { type RenderedButton, renderHtml, renderText, subjectOf } from './render.js';

/** What nodemailer is given for one message (its `SendMailOptions`, the fields we set). */
export interface ComposedMail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

/** The domain of the From address, for Message-IDs. */
function fromDomain(from: string): string {
  const m = /@([^\s>]+)>?\s*$/.exec(from);
  return m?.[1] ?? 'kith.invalid';
}

/**
 * The email for one message to one member. The Message-ID and every link come from the effect's
 * idempotency key, so a retried send is the same email: receivers that saw the first copy can
 * drop the second, and its links report the same events.
 */
export function composeMail(
  ctx: PluginContext<EmailConfig>,
  message: OutboundMessage,
  member: string,
  address: string,
): ComposedMail {
  const c = ctx.config;
  const ref = messageRef(ctx.idempotencyKey);
  const claims = { instance: ctx.instance, member, address, ref };
  const unsubscribeUrl = linkUrl(c.webhookUrl, c.linkSecret, { purpose: 'unsubscribe', ...claims });
  const buttons: RenderedButton[] = message.buttons.map((b) => ({
    text: b.text,
    href:
      b.url ?? linkUrl(c.webhookUrl, c.linkSecret, { purpose: 'click', ...claims, value: b.value ?? b.text }),
  }));
  const rendered = { message, buttons, unsubscribeUrl };
  const unsubscribe = [`<${unsubscribeUrl}>`];
  if (c.unsubscribeMailto !== undefined) {
    const mailto = `mailto:${c.unsubscribeMailto}?subject=unsubscribe&body=${encodeURIComponent(unsubscribeUrl)}`;
    unsubscribe.unshift(`<${mailto}>`);
  }
  const id = createHash('sha256').update(`${ctx.instance}\n${ref}\n${address}`).digest('hex').slice(0, 24);
  return {
    from: c.from,
    to: address,
    ...(c.replyTo === undefined ? {} : { replyTo: c.replyTo }),
    subject: subjectOf(message),
    text: renderText(rendered),
    html: renderHtml(rendered),
    messageId: `<${id}@${fromDomain(c.from)}>`,
    headers: {
      // RFC 2369 links, and RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` to the https one.
      'List-Unsubscribe': unsubscribe.join(', '),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
