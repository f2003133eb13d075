import { covenant, moderation } from './covenant/index.js';
import { entries } from './entries/index.js';
import { MONEY_MECHANICS } from './ledger/money-mechanics.js';
import { rituals } from './rituals/index.js';
import { signals } from './signals/index.js';
import type { Mechanic } from './types.js';

/**
 * The community mechanics every runtime runs unless told otherwise. Each lives in its own folder
 * under src/mechanics/ and is listed here once.
 */
export const DEFAULT_MECHANICS: readonly Mechanic[] = [
  rituals, // scheduled rituals, check-ins, streaks and rewards
  covenant, // the covenant sent on joining; acceptance gates `activate`
  moderation, // covenant rules on every message, strikes and the warn/mute/remove ladder
  signals, // keyword mentions counted over a window fire an event
  entries, // an entry's `group:` places members who join through it
  ...MONEY_MECHANICS, // ledger (orders, payments, refunds, payouts), campaigns, referrals and commissions
];
