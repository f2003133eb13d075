import { campaigns } from '../campaigns/mechanic.js';
import { referrals } from '../referrals/mechanic.js';
import type { Mechanic } from '../types.js';
import { ledger } from './mechanic.js';

/**
 * The money mechanics, which work together: the ledger records orders and payments, campaigns
 * decide group buys and pre-sales, referrals attribute members and earn commissions.
 */
export const MONEY_MECHANICS: readonly Mechanic[] = [ledger, campaigns, referrals];
