import type { Store } from '../../ports/store.js';
import { hash32 } from '../../util/hash.js';

/** Shared records: invite code → the member it belongs to. */
export const CODES = 'referrals.codes';

/** No 0/O, 1/I/L: a code is read aloud and typed by hand. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 7;
const ATTEMPTS = 16;

/** How a typed code is compared: case and separators do not matter. */
export function normalizeCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '');
}

/** The code tried for a member on a given attempt: stable, so minting again finds the same one. */
function candidate(tenant: string, member: string, attempt: number): string {
  let h = hash32(`${tenant}\u0000${member}\u0000${attempt}`);
  let out = '';
  for (let i = 0; i < LENGTH; i++) {
    if (i === 4) h = hash32(`${out}\u0000${member}\u0000${attempt}`);
    out += ALPHABET[h % ALPHABET.length];
    h = Math.floor(h / ALPHABET.length);
  }
  return out;
}

/**
 * The member's invite code, claimed in the code index (idempotent: minting again returns the same
 * code). A code the member brought (`wanted`) is kept if nobody else holds it.
 */
export async function mintCode(
  store: Store,
  tenant: string,
  member: string,
  wanted: string | null,
): Promise<string> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const code =
      attempt === 0 && wanted !== null ? normalizeCode(wanted) : candidate(tenant, member, attempt);
    if (code === '') continue;
    const owner = await store.updateShared<string>(tenant, CODES, code, (cur) => cur ?? member);
    if (owner === member) return code;
  }
  throw new Error(`no free invite code for '${member}' after ${ATTEMPTS} attempts`);
}

/** The member a code belongs to, if any. */
export function codeOwner(store: Store, tenant: string, code: string): Promise<string | undefined> {
  return store.readShared<string>(tenant, CODES, normalizeCode(code));
}
