import { CHANNEL_EVENTS, type InboundEvent, inboundEventId, type WebhookHandler } from '@kith/sdk';
import { bodyJson, checkTimestamp, header, hmacVerify } from '@kith/sdk/webhook';
import { DEV_SIGNING_SECRET, type SandboxConfig } from './config.js';
import type { SandboxActivity } from './provider/members.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE_MS } from './provider/signing.js';

const TYPES = new Set<string>(Object.values(CHANNEL_EVENTS));

function dataOf(a: SandboxActivity): Record<string, unknown> {
  switch (a.type) {
    case 'message.received':
      return { text: a.text ?? '', messageId: a.id };
    case 'button.clicked':
      return { value: a.value ?? '', messageId: a.messageId ?? null };
    case 'member.joined':
      return { invite: a.invite ?? null, attribution: a.attribution ?? null };
    default:
      return {};
  }
}

/** Member activity from the sandbox: HMAC-SHA256 over `${timestamp}.${body}`, within 5 minutes. */
export const webhook: WebhookHandler<SandboxConfig> = {
  async verify(ctx, request) {
    const signature = header(request, SIGNATURE_HEADER);
    const ts = header(request, TIMESTAMP_HEADER);
    if (signature === undefined || ts === undefined) {
      return {
        ok: false,
        reason: 'missing-signature',
        message: `${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER} are required`,
      };
    }
    if (checkTimestamp(Number(ts), ctx.clock.now(), TOLERANCE_MS) !== 'ok') {
      return { ok: false, reason: 'stale', message: 'timestamp outside the 5-minute window' };
    }
    const payload = Buffer.concat([Buffer.from(`${ts}.`), request.body]);
    const valid = hmacVerify(
      'sha256',
      ctx.config.signingSecret ?? DEV_SIGNING_SECRET,
      payload,
      signature,
      'hex',
    );
    return valid ? { ok: true } : { ok: false, reason: 'bad-signature', message: 'signature does not match' };
  },

  async parse(_ctx, request) {
    const a = bodyJson(request) as SandboxActivity | undefined;
    if (a === undefined || typeof a.id !== 'string' || !TYPES.has(a.type)) return { events: [] };
    const event: InboundEvent = {
      // The sandbox's own event id: a redelivered activity has the same one.
      id: inboundEventId('sandbox', a.id),
      type: a.type,
      at: a.at,
      address: a.address,
      name: a.name,
      group: a.group,
      data: dataOf(a),
    };
    return { events: [event] };
  },
};
