import { createHash, randomUUID } from 'node:crypto';
import type { WebhookRequest } from '@kith/sdk';
import { type LinkClaims, type LinkPurpose, linkToken } from './tokens.js';

/** Paths under the channel's webhook URL. */
export const LINK_PATHS: Readonly<Record<LinkPurpose, string>> = {
  unsubscribe: '/unsubscribe',
  click: '/click',
};

/** Query parameter names: short, because mail clients show the URL. */
const Q = { member: 'm', address: 'a', ref: 'r', value: 'v', token: 't' } as const;

/**
 * A short reference for one email, stable across retries of the same effect, so a link in a
 * re-sent copy is the same link and its click the same event.
 */
export function messageRef(idempotencyKey: string | null): string {
  return createHash('sha256')
    .update(idempotencyKey ?? randomUUID())
    .digest('base64url')
    .slice(0, 16);
}

export function linkUrl(webhookUrl: string, secret: string, claims: LinkClaims): string {
  const url = new URL(webhookUrl.replace(/\/+$/, '') + LINK_PATHS[claims.purpose]);
  url.searchParams.set(Q.member, claims.member);
  url.searchParams.set(Q.address, claims.address);
  url.searchParams.set(Q.ref, claims.ref);
  if (claims.value !== undefined) url.searchParams.set(Q.value, claims.value);
  url.searchParams.set(Q.token, linkToken(secret, claims));
  return url.toString();
}

/** The claims and token a request to one of our links carries; null when it is not one. */
export function readLink(
  request: WebhookRequest,
  instance: string,
): { claims: LinkClaims; token: string } | null {
  const path = `/${request.path.replace(/^\/+|\/+$/g, '')}`;
  const purpose = (Object.keys(LINK_PATHS) as LinkPurpose[]).find((p) => LINK_PATHS[p] === path);
  const q = request.query;
  const [member, address, ref, token] = [q[Q.member], q[Q.address], q[Q.ref], q[Q.token]];
  if (purpose === undefined || !member || !address || !ref || !token) return null;
  const value = q[Q.value];
  if (purpose === 'click' && value === undefined) return null;
  return {
    claims: { purpose, instance, member, address, ref, ...(purpose === 'click' ? { value } : {}) },
    token,
  };
}
