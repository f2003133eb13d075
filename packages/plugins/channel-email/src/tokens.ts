import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@kith/sdk/webhook';

/** What a link may do: opt the member out, or report a button press. */
export type LinkPurpose = 'unsubscribe' | 'click';

/** What a link token vouches for. The instance ties it to one channel, so links don't cross playbooks. */
export interface LinkClaims {
  purpose: LinkPurpose;
  instance: string;
  member: string;
  address: string;
  /** The email the link was sent in (a hash of the effect's idempotency key). */
  ref: string;
  /** The button's value, for clicks. */
  value?: string;
}

/** The signed string: a JSON array, so no field can run into the next whatever characters it holds. */
function payload(c: LinkClaims): string {
  return JSON.stringify([
    'kith-email-link-v1',
    c.purpose,
    c.instance,
    c.member,
    c.address,
    c.ref,
    c.value ?? null,
  ]);
}

/** base64url( HMAC-SHA256( linkSecret, payload ) ): without the secret a link cannot be made or altered. */
export function linkToken(secret: string, claims: LinkClaims): string {
  return createHmac('sha256', secret).update(payload(claims)).digest('base64url');
}

export function linkTokenValid(secret: string, claims: LinkClaims, token: string): boolean {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const expected = createHmac('sha256', secret).update(payload(claims)).digest();
  return constantTimeEqual(expected, Buffer.from(token, 'base64url'));
}
