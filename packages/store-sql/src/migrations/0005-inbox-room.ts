/**
 * 0005: room for a claim on every page of the inbox. A claim sets `claimed_until` on every pending
 * row of a page at once; with 20 % of a page free only the first few fit beside it (HOT, no index
 * entries) and the rest moved to other pages with an entry in each of the inbox's four indexes.
 * With half the page free a whole page's claims stay in place: the claim's cost halved in
 * `bench/throughput` (PostgreSQL time 33 → 15 µs per event). Inbox rows are short-lived (pruned
 * after the retention period), so the table's size is what is pending and recent, not the history.
 */
export const sql = `
ALTER TABLE kith_inbound SET (fillfactor = 50);
`;
