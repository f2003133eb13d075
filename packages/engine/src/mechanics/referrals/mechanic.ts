import { isTruthy } from '@kith/playbook/browser';
import type { MemberChange } from '../../kernel/changes.js';
import type { KithEvent } from '../../model/event.js';
import {
  defineMechanic,
  type Mechanic,
  type MechanicContext,
  type MechanicEvent,
  type MechanicOutput,
  type ServiceEnv,
} from '../types.js';
import { pickReferrer, type Touch, touchTime } from './attribution.js';
import { MAX_CHAIN, mayRefer } from './chain.js';
import { codeOwner, mintCode } from './codes.js';
import { compileReferrals, REFERRALS, type ReferralsPlan } from './plan.js';
import { REFERRAL_SERVICES, REFERRALS_RELEASE } from './services.js';

/** Events the referrals mechanic reacts to or emits. */
export const REFERRAL_EVENTS = {
  joined: 'member.joined',
  /** An invitation reached someone not yet a member (`code` or `referrer`, optional `invitedAt`). */
  inviteClicked: 'invite.clicked',
  /** To the direct referrer (`referral`: who joined, `name`, `level: 1`). */
  referralJoined: 'referral.joined',
  /** To each referrer further up (`referral`, `level`, `via`: the referrer below). */
  referralIndirect: 'referral.indirect',
  /** To the referrer itself, after its counts changed: KOL detection looks at the new counts. */
  referralCounted: 'referral.counted',
  kolDetected: 'kol.detected',
  commissionEarned: 'commission.earned',
  commissionPayable: 'commission.payable',
} as const;

/** Invitations kept per member until they join. */
const MAX_TOUCHES = 20;
const HOLD = 'hold:';

export interface ReferralState {
  /** The member's first join was attributed (to someone or no one): later joins change nothing. */
  attributed: boolean;
  touches: readonly Touch[];
  kol: boolean;
}

/** Touches of a member with none (most, and every one attributed): one shared list, not one each. */
const NO_TOUCHES: readonly Touch[] = Object.freeze([]);

const FRESH: ReferralState = { attributed: false, touches: NO_TOUCHES, kol: false };
/** A member's state once its join is attributed (nearly every member's): shared, frozen. */
const SETTLED: ReferralState = Object.freeze({ attributed: true, touches: NO_TOUCHES, kol: false });
const SETTLED_KOL: ReferralState = Object.freeze({ attributed: true, touches: NO_TOUCHES, kol: true });

export interface ReferralsOptions {
  /** The invite link for a code (default: a placeholder URL under kith.invalid). */
  inviteLink?: (tenant: string, code: string) => string;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

type Ctx = MechanicContext<ReferralsPlan, ReferralState>;

/** The invitations an event carries: its (checked) `referrer` and the owner of its `code`. */
function touchesOf(event: KithEvent): Touch[] {
  const d = event.data;
  const at = touchTime(d.invitedAt, event.at);
  const out: Touch[] = [];
  const referrer = str(d.referrer);
  if (referrer !== null) out.push({ referrer, name: str(d.referrerName), at });
  const byCode = str(d.codeReferrer);
  if (byCode !== null) out.push({ referrer: byCode, name: str(d.codeReferrerName), at });
  return out;
}

function onJoined(ctx: Ctx, event: KithEvent): MechanicOutput | undefined {
  const st = ctx.state ?? FRESH;
  if (st.attributed) return undefined;
  const settled = st.kol ? SETTLED_KOL : SETTLED;
  const changes: MemberChange[] = [{ op: 'state', value: settled }];
  // a member whose referrer was set some other way (an import) keeps it
  if (ctx.member.referrer !== null) return { changes };
  const pick = pickReferrer(
    [...st.touches, ...touchesOf(event)],
    ctx.member.id,
    event.at,
    ctx.plan.windowMs,
    ctx.plan.model,
  );
  if (pick === null) return { changes };
  changes.push({ op: 'referrer', member: pick.referrer, name: pick.name });
  return {
    changes,
    events: [
      {
        type: REFERRAL_EVENTS.referralJoined,
        member: pick.referrer,
        // `referral`: `event.member` in expressions is the member the event is for (the referrer)
        data: { member: ctx.member.id, referral: ctx.member.id, name: ctx.member.name, level: 1 },
      },
    ],
  };
}

function onInvited(ctx: Ctx, event: KithEvent): MechanicOutput | undefined {
  const st = ctx.state ?? FRESH;
  const touches = touchesOf(event);
  if (st.attributed || touches.length === 0) return undefined;
  const kept = [...st.touches, ...touches].slice(-MAX_TOUCHES);
  return { changes: [{ op: 'state', value: { ...st, touches: kept } }] };
}

/**
 * Someone joined below this member: count them (`referralsTotal` at every depth; the engine counts
 * direct `referrals`), pass it up the chain, and let KOL detection look at the new counts.
 */
function onReferral(ctx: Ctx, event: KithEvent): MechanicOutput {
  const d = event.data;
  const level = typeof d.level === 'number' && Number.isSafeInteger(d.level) ? d.level : 1;
  const joined = str(d.referral) ?? str(d.member);
  const events: MechanicEvent[] = [];
  const up = ctx.member.referrer;
  if (up !== null && up !== joined && level < MAX_CHAIN) {
    events.push({
      type: REFERRAL_EVENTS.referralIndirect,
      member: up,
      data: { member: joined, referral: joined, level: level + 1, via: ctx.member.id },
    });
  }
  if (ctx.plan.kol !== null && ctx.state?.kol !== true)
    events.push({ type: REFERRAL_EVENTS.referralCounted, data: { referral: joined, level } });
  return { changes: [{ op: 'count', field: 'referralsTotal', delta: 1 }], events };
}

/** KOL detection: once `kol.when` holds, the member is flagged and promoted to the KOL tier. */
function detectKol(ctx: Ctx): MechanicOutput | undefined {
  const kol = ctx.plan.kol;
  const st = ctx.state ?? FRESH;
  if (kol === null || st.kol || !isTruthy(ctx.evaluate(kol.when))) return undefined;
  const changes: MemberChange[] = [{ op: 'state', value: { ...st, kol: true } }];
  const ranks = ctx.playbook.tierIndex;
  const target = kol.tier === null ? undefined : ranks.get(kol.tier);
  if (kol.tier !== null && target !== undefined && target > (ranks.get(ctx.member.tier) ?? -1))
    changes.push({ op: 'tier', tier: kol.tier });
  return { changes, events: [{ type: REFERRAL_EVENTS.kolDetected, data: { tier: kol.tier } }] };
}

/**
 * Before a join or an invitation is processed: the member gets an invite code (minted once, in the
 * shared code index) and link; a `code` is resolved to its owner; a referrer who may not refer this
 * member (unknown, not joined, themselves, below them) is dropped.
 */
async function prepare(
  event: KithEvent,
  env: ServiceEnv,
  inviteLink: (tenant: string, code: string) => string,
): Promise<Record<string, unknown> | undefined> {
  if (event.type !== REFERRAL_EVENTS.joined && event.type !== REFERRAL_EVENTS.inviteClicked) return undefined;
  const member = event.member;
  if (member === null) return undefined;
  const { store } = env;
  const tenant = event.tenant;
  const d = event.data;
  const state = await store.loadMember(tenant, member);
  const out: Record<string, unknown> = {};
  if (event.type === REFERRAL_EVENTS.joined && (state?.profile.inviteCode ?? null) === null) {
    const code = await mintCode(store, tenant, member, str(d.inviteCode));
    out.inviteCode = code;
    out.inviteLink = str(d.inviteLink) ?? inviteLink(tenant, code);
  }
  const attributed = (state?.mechanics[REFERRALS] as ReferralState | undefined)?.attributed === true;
  if (attributed || (state?.profile.referrer ?? null) !== null) return out;
  const nameOf = async (id: string) => (await store.loadMember(tenant, id))?.profile.name ?? null;
  const referrer = str(d.referrer);
  if (referrer !== null) {
    const ok = await mayRefer(store, tenant, member, referrer);
    out.referrer = ok ? referrer : null;
    if (ok && str(d.referrerName) === null) out.referrerName = await nameOf(referrer);
  }
  const code = str(d.code);
  if (code !== null) {
    const owner = await codeOwner(store, tenant, code);
    const ok = owner !== undefined && (await mayRefer(store, tenant, member, owner));
    out.codeReferrer = ok ? owner : null;
    if (ok) out.codeReferrerName = await nameOf(owner);
  }
  return out;
}

/** The default link's part before the code, per tenant: one string all the tenant's links share. */
const linkPrefixes = new Map<string, string>();
/** What `encodeURIComponent` leaves as it is. */
const URI_SAFE = /^[A-Za-z0-9\-_.!~*'()]*$/;

/**
 * A placeholder URL under kith.invalid. Every member keeps its link, so it is built as one pair
 * of the tenant's shared prefix and the member's code (the code string the member keeps anyway):
 * 32 bytes, where a flat copy of the whole link is 64.
 */
function defaultInviteLink(tenant: string, code: string): string {
  let prefix = linkPrefixes.get(tenant);
  if (prefix === undefined) {
    prefix = `https://kith.invalid/join/${encodeURIComponent(tenant)}/`;
    if (linkPrefixes.size >= 1000) linkPrefixes.clear();
    linkPrefixes.set(tenant, prefix);
  }
  return prefix + (URI_SAFE.test(code) ? code : encodeURIComponent(code));
}

/**
 * Referrals: invite codes and links minted per member on join; joins attributed to the first or
 * last invitation within the window (`member.joined` or earlier `invite.clicked` with a `referrer`
 * or a `code`); `referral.joined` to the referrer and `referral.indirect` up the chain, which keep
 * `referralsTotal`; KOL detection with tier promotion; commission holds that end in
 * `commission.payable`. The commissions themselves are accrued by the ledger when an order is
 * confirmed.
 */
export function createReferrals(options: ReferralsOptions = {}): Mechanic<ReferralsPlan, ReferralState> {
  const inviteLink = options.inviteLink ?? defaultInviteLink;
  return defineMechanic<ReferralsPlan, ReferralState>({
    name: REFERRALS,
    events: [
      REFERRAL_EVENTS.joined,
      REFERRAL_EVENTS.inviteClicked,
      REFERRAL_EVENTS.referralJoined,
      REFERRAL_EVENTS.referralIndirect,
      REFERRAL_EVENTS.referralCounted,
      REFERRAL_EVENTS.commissionEarned,
    ],
    compile: (pb) => compileReferrals(pb),
    prepare: (event, env) => prepare(event, env, inviteLink),

    onEvent(ctx, event) {
      switch (event.type) {
        case REFERRAL_EVENTS.joined:
          return onJoined(ctx, event);
        case REFERRAL_EVENTS.inviteClicked:
          return onInvited(ctx, event);
        case REFERRAL_EVENTS.referralJoined:
        case REFERRAL_EVENTS.referralIndirect:
          return onReferral(ctx, event);
        case REFERRAL_EVENTS.referralCounted:
          return detectKol(ctx);
        case REFERRAL_EVENTS.commissionEarned: {
          const d = event.data;
          const entry = str(d.entry);
          if (entry === null || d.status !== 'pending' || typeof d.payableAt !== 'number') return undefined;
          return { timers: [{ name: `${HOLD}${entry}`, at: d.payableAt }] };
        }
      }
      return undefined;
    },

    onTimer(_ctx, name) {
      if (!name.startsWith(HOLD)) return undefined;
      const entry = name.slice(HOLD.length);
      return { requests: [{ service: REFERRALS_RELEASE, input: {}, reply: true, name: `release:${entry}` }] };
    },

    onReply(_ctx, name, out) {
      if (!name.startsWith('release:') || !Array.isArray(out.released)) return undefined;
      return {
        events: out.released.map((data: Record<string, unknown>) => ({
          type: REFERRAL_EVENTS.commissionPayable,
          data,
        })),
      };
    },

    services: REFERRAL_SERVICES,
  });
}

/** The referrals mechanic with default options. */
export const referrals = createReferrals();
