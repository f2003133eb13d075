import { CHANNEL_EVENTS, type InboundEvent, inboundEventId, type WebhookHandler } from '@kith/sdk';
import type { EmailConfig } from './config.js';
import { UNSUBSCRIBED } from './events.js';
import { readLink } from './links.js';
import { confirmPage, donePage } from './pages.js';
import { linkTokenValid } from './tokens.js';

/** RFC 8058: what a mail client's one-click POST carries. */
const ONE_CLICK = 'List-Unsubscribe=One-Click';

/**
 * The routes behind the links in our emails: `/unsubscribe` (the body link and List-Unsubscribe)
 * and `/click` (value buttons). Every request must carry a token signed with `linkSecret` over
 * this instance, the member, their address, the email and the button value: a link cannot be
 * made for someone else or altered. GET shows a confirmation page; POST acts.
 */
export const webhook: WebhookHandler<EmailConfig> = {
  async verify(ctx, request) {
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
      return { ok: false, reason: 'malformed', message: `${method} is not how links are followed` };
    }
    const link = readLink(request, ctx.instance);
    if (link === null) {
      return {
        ok: false,
        reason: 'missing-signature',
        message: 'not an unsubscribe or button link of this channel',
      };
    }
    if (!linkTokenValid(ctx.config.linkSecret, link.claims, link.token)) {
      return { ok: false, reason: 'bad-signature', message: 'the link was altered or is not ours' };
    }
    return { ok: true };
  },

  async parse(ctx, request) {
    const link = readLink(request, ctx.instance);
    if (link === null) return { events: [] };
    const { purpose, member, address, ref, value } = link.claims;
    if (request.method.toUpperCase() !== 'POST') {
      return { events: [], reply: confirmPage(purpose, value ?? '') };
    }
    const oneClick = new TextDecoder().decode(request.body).includes(ONE_CLICK);
    const event: InboundEvent =
      purpose === 'unsubscribe'
        ? {
            // One event per email's link: pressing it twice is one unsubscribe; a later email's link is a new one.
            id: inboundEventId('unsubscribe', member, ref),
            type: UNSUBSCRIBED,
            at: ctx.clock.now(),
            address,
            member,
            group: null,
            data: { via: oneClick ? 'one-click' : 'link', messageRef: ref },
          }
        : {
            id: inboundEventId('click', member, ref, value ?? ''),
            type: CHANNEL_EVENTS.buttonClicked,
            at: ctx.clock.now(),
            address,
            member,
            group: null,
            data: { value: value ?? '', messageId: ref },
          };
    return { events: [event], reply: donePage(purpose) };
  },
};
