/** Webhooks find their member by channel identity: containment on the identities, indexed. */
export const sql = `
CREATE INDEX kith_members_identities ON kith_members
  USING gin ((state->'profile'->'identities') jsonb_path_ops);
`;
