/**
 * The variables conditions and message templates may use. The engine fills exactly these; the
 * validator reports anything else as an unknown variable.
 */
export const MEMBER_FIELDS = [
  'id',
  'name',
  'tier',
  'tags',
  'attributes',
  'points',
  'streaks',
  'badges',
  'referrals',
  'referralsTotal',
  'referrer',
  'groups',
  'stage',
  'messages',
  'joinedAt',
  'lastActiveAt',
  'spent',
  'orders',
  'locale',
  'timezone',
  'identities',
  'source',
  'strikes',
  'covenantAccepted',
  'checkins',
  'goals',
  'inviteCode',
  'inviteLink',
] as const;

/** Roots every condition may use. */
export const EXPRESSION_ROOTS = ['member', 'event', 'params', 'now'] as const;

/** Extra roots in message text, by where the text is. */
export const TEMPLATE_ROOTS = ['member', 'event', 'params', 'now', 'referrer', 'playbook'] as const;

export function extraTemplateRoots(path: readonly (string | number)[]): string[] {
  const p = path.join('/');
  if (/\/offer\/text$/.test(p) || p.startsWith('offers/')) return ['offer', 'price', 'checkout'];
  if (/\/introduce\/text$/.test(p)) return ['peer'];
  if (p.startsWith('rituals/')) return ['ritual'];
  if (/^groups\/[^/]+\/name$/.test(p)) return ['n', 'group'];
  if (p.startsWith('covenant/')) return ['rule', 'strikes'];
  return [];
}
