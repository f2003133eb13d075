import type { Store } from '@kith/engine';
import type { SqlStore } from '@kith/store-sql';

/** A store that can find a member by a channel identity with an index (SqlStore). */
type IdentityFinder = Pick<SqlStore, 'findMemberByIdentity'>;

function hasIdentityFinder(store: Store): store is Store & IdentityFinder {
  return typeof (store as Partial<IdentityFinder>).findMemberByIdentity === 'function';
}

/**
 * The member an inbound webhook is about: the one whose profile has this address on this channel
 * instance (members imported through the API with `identities`, or who joined through the
 * channel), else the address itself — someone the community has not met yet becomes a member
 * under their channel address, as before identities existed.
 */
export async function memberForAddress(
  store: Store,
  tenant: string,
  channel: string,
  address: string,
): Promise<string> {
  if (hasIdentityFinder(store))
    return (await store.findMemberByIdentity(tenant, channel, address)) ?? address;
  // the in-memory store (tests, `kith serve --memory`): a scan is fine at its sizes
  for await (const id of store.memberIds(tenant)) {
    const state = await store.loadMember(tenant, id);
    if (state?.profile.identities[channel] === address) return id;
  }
  return address;
}
