import { decText, encJson, encText } from './codec.js';
import type { SqlRunner } from './sql.js';

/**
 * The member whose profile has `address` on the channel instance `channel` (their Telegram user
 * id, e-mail…): how an inbound webhook finds the member it is about. GIN-indexed containment on
 * the identities (migration 4). Two members claiming one address is an operator's import error;
 * the first by id answers, so the choice is stable.
 */
export async function findMemberByIdentity(
  db: SqlRunner,
  tenant: string,
  channel: string,
  address: string,
): Promise<string | undefined> {
  if (typeof channel !== 'string' || typeof address !== 'string')
    throw new TypeError('findMemberByIdentity: channel and address must be strings');
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM kith_members
     WHERE tenant = $1 AND state->'profile'->'identities' @> $2::text::jsonb
     ORDER BY id LIMIT 1`,
    [encText(tenant), encJson({ [channel]: address })],
  );
  const row = rows[0];
  return row === undefined ? undefined : decText(row.id);
}
