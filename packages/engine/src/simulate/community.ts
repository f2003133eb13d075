import type { CheckoutData, Effect, MessageData } from '../model/effect.js';
import { EVENTS } from '../model/event.js';
import type { MemberState } from '../model/member.js';
import type { Agenda } from './agenda.js';
import { arrivalsPerDay, DAY, DayClock } from './calendar.js';
import type { Cues, RitualCue } from './cues.js';
import type { Population } from './population.js';
import { Random } from './random.js';
import type { Behaviour, BehaviourName, SimulationSettings } from './settings.js';

/** What the agenda holds besides timers. */
export const ITEM = {
  /** A day starts: its arrivals and its members' daily behaviour are drawn. */
  day: 1,
  /** An organic arrival (`data`: the arrival's index). */
  join: 2,
  /** `member` brings someone new. */
  invite: 3,
  message: 4,
  churn: 5,
  /** `data`: the button value. */
  click: 6,
  /** `data`: the checkout paid. */
  pay: 7,
  /** `data`: the payment refunded. */
  refund: 8,
  /** `data`: the ritual's keyword. */
  checkin: 9,
  /** A ritual occurrence starts (`data`: the ritual). */
  ritual: 10,
  /** An effect whose time has come (`data`: the effect). */
  deliver: 11,
  /** A provider reports back (`data`: type and data; `member` -1 for the community). */
  event: 12,
  /** A slot of a group the per-group cap holds messages for is free (`data`: the group's lane). */
  redeliver: 13,
} as const;

/** A synthetic member's action, ready to be ingested. */
export interface Action {
  type: string;
  member: number;
  data: Record<string, unknown>;
}

interface Payment {
  orderId: string;
  paymentId: string;
  offer: string;
  amount: number;
  currency: string;
  provider: string;
}

/** Reaction delays: minutes to click, hours to pay, days to ask for a refund. */
const CLICK_MEAN = 20 * 60_000;
const PAY_MEAN = 3 * 3_600_000;
const PROVIDER_DELAY = 1_000;

/** The behaviours drawn once a day for every member (the rest are reactions to what they get). */
const DAILY: readonly [BehaviourName, number][] = [
  ['reply', ITEM.message],
  ['invite', ITEM.invite],
  ['churn', ITEM.churn],
];

/**
 * The synthetic community: who arrives when and through which entry, and what each member does —
 * daily behaviour drawn per member-day (by geometric skipping over the population, so a day costs
 * the actors, not the members) and reactions to what the engine sends (buttons, checkouts). Every
 * draw comes from one seeded generator in agenda order, so a seed replays exactly.
 */
export class SyntheticCommunity {
  readonly rng: Random;
  private readonly clock: DayClock;
  private readonly arrivals: Float64Array;
  private readonly arrivalWeights: Float64Array;
  private readonly byTier = new Map<string, Behaviour>();
  /** Per daily behaviour, the highest probability of any tier: candidates are drawn at that rate. */
  private readonly peak: Record<BehaviourName, number>;
  /** Counts of what the members did. */
  readonly did = {
    joined: 0,
    invited: 0,
    messages: 0,
    violations: 0,
    clicks: 0,
    checkins: 0,
    payments: 0,
    refunds: 0,
    churned: 0,
  };

  constructor(
    private readonly settings: SimulationSettings,
    private readonly cues: Cues,
    private readonly population: Population,
    private readonly agenda: Agenda,
    zone: string,
  ) {
    this.rng = new Random(settings.seed);
    this.clock = new DayClock(zone);
    this.arrivals = arrivalsPerDay(settings.members, settings.days, settings.curve);
    let sum = 0;
    this.arrivalWeights = Float64Array.from(settings.arrivals, (a) => (sum += a.share));
    const tiers = Object.values(settings.behaviour);
    const peak = {} as Record<BehaviourName, number>;
    for (const k of Object.keys(settings.behaviour.default!) as BehaviourName[])
      peak[k] = Math.max(...tiers.map((b) => b[k]));
    this.peak = peak;
  }

  /** Puts the days and the ritual occurrences on the agenda. */
  plan(occurrences: readonly { at: number; ritual: RitualCue }[]): void {
    const { start, days } = this.settings;
    for (let d = 0; d < days; d++) this.agenda.push(start + d * DAY, ITEM.day, d);
    for (const o of occurrences) this.agenda.push(o.at, ITEM.ritual, -1, o.ritual);
  }

  behaviour(state: MemberState): Behaviour {
    const tier = state.profile.tier;
    let b = this.byTier.get(tier);
    if (b === undefined) {
      b = this.settings.behaviour[tier] ?? this.settings.behaviour.default!;
      this.byTier.set(tier, b);
    }
    return b;
  }

  /** Day `d` starts: its arrivals, and each present member's replies, invitations and leaving. */
  startDay(d: number): void {
    const dayStart = this.settings.start + d * DAY;
    this.clock.setDay(dayStart);
    const rng = this.rng;
    for (let n = this.arrivals[d]!; n > 0; n--)
      this.agenda.push(this.clock.pick(rng), ITEM.join, -1, rng.weighted(this.arrivalWeights));
    const states = this.population.states;
    const count = states.length;
    for (const [name, kind] of DAILY) {
      const peak = this.peak[name];
      for (let i = rng.skip(peak); i < count; i += 1 + rng.skip(peak)) {
        const s = states[i]!;
        if (s.leftAt !== null) continue;
        const p = this.behaviour(s)[name];
        // thinning: a candidate drawn at the peak rate acts with its own tier's probability
        if (p >= peak || rng.float() * peak < p) this.agenda.push(this.clock.pick(rng), kind, i);
      }
    }
  }

  /** A ritual starts: members (of its pool) who take part write its keyword within the window. */
  ritual(r: RitualCue, at: number): void {
    const rng = this.rng;
    const states = this.population.states;
    const peak = this.peak.checkin;
    for (let i = rng.skip(peak); i < states.length; i += 1 + rng.skip(peak)) {
      const s = states[i]!;
      if (s.leftAt !== null || (r.pool !== null && s.profile.groups[r.pool] === undefined)) continue;
      const p = this.behaviour(s).checkin;
      if (p >= peak || rng.float() * peak < p)
        this.agenda.push(at + Math.floor(rng.float() * r.windowMs), ITEM.checkin, i, r.keyword);
    }
  }

  /** An organic arrival joins through its entry, with attributes drawn from the profile. */
  join(arrival: number): Action {
    const a = this.settings.arrivals[arrival]!;
    const member = this.population.add();
    this.did.joined++;
    const data: Record<string, unknown> = {};
    if (a.entry !== null) data.entry = a.entry;
    if (a.source !== null) data.source = a.source;
    this.attributes(data);
    return { type: EVENTS.memberJoined, member, data };
  }

  /** Someone a member brought joins through the invite entry, attributed to them. */
  invite(referrer: number): Action {
    const member = this.population.add();
    this.did.invited++;
    const data: Record<string, unknown> = { referrer: this.population.states[referrer]!.id };
    if (this.cues.inviteEntry !== null) data.entry = this.cues.inviteEntry;
    this.attributes(data);
    return { type: EVENTS.memberJoined, member, data };
  }

  private attributes(data: Record<string, unknown>): void {
    if (this.settings.attributes.length === 0) return;
    const attrs: Record<string, unknown> = {};
    for (const t of this.settings.attributes) attrs[t.name] = t.values[this.rng.weighted(t.cumulative)];
    data.attributes = attrs;
  }

  /** A message in the member's group: the profile's keywords by their chances, now and then a rule broken. */
  message(member: number): Action {
    this.did.messages++;
    return this.write(member, 'hi');
  }

  checkin(member: number, keyword: string): Action {
    this.did.checkins++;
    return this.write(member, keyword);
  }

  private write(member: number, text: string): Action {
    const s = this.population.states[member]!;
    const rng = this.rng;
    let t = text;
    for (const [word, p] of this.settings.keywords) if (rng.chance(p)) t += ` ${word}`;
    const v = this.cues.violations;
    if (v.length > 0 && rng.chance(this.behaviour(s).violate)) {
      t += ` ${v[rng.below(v.length)]}`;
      this.did.violations++;
    }
    const data: Record<string, unknown> = { text: t };
    for (const pool in s.profile.groups) {
      data.group = s.profile.groups[pool];
      break;
    }
    return { type: EVENTS.messageReceived, member, data };
  }

  churn(member: number): Action {
    this.did.churned++;
    return { type: EVENTS.memberLeft, member, data: {} };
  }

  click(member: number, value: string): Action {
    this.did.clicks++;
    return { type: EVENTS.buttonClicked, member, data: { value } };
  }

  /** The payment provider confirms a payment; the member may ask for the money back later. */
  pay(member: number, p: Payment, at: number): Action {
    this.did.payments++;
    if (this.rng.chance(this.behaviour(this.population.states[member]!).refund)) {
      const later = at + DAY + Math.floor(this.rng.float() * 6 * DAY);
      this.agenda.push(later, ITEM.refund, member, p);
    }
    return { type: EVENTS.paymentSucceeded, member, data: { ...p } };
  }

  refund(member: number, p: Payment): Action {
    this.did.refunds++;
    return {
      type: EVENTS.paymentRefunded,
      member,
      data: { ...p, refundId: `refund:${p.paymentId}` },
    };
  }

  /** A direct message arrived: a member may press one of its buttons. */
  onMessage(effect: Effect, at: number): void {
    const data = effect.data as unknown as MessageData;
    if (data.to.kind !== 'member' || data.buttons.length === 0) return;
    const member = this.population.indexOf(data.to.member);
    if (member < 0) return;
    const s = this.population.states[member]!;
    if (s.leftAt !== null) return;
    const b = this.behaviour(s);
    const valued = data.buttons.filter((x) => x.value !== null);
    if (valued.length === 0) return;
    const covenant = valued.find((x) => x.text === this.cues.covenantButton);
    const checkin = valued.find((x) => this.cues.checkinButtons.has(x.text));
    let value: string | null = null;
    if (covenant !== undefined) value = this.rng.chance(b.acceptCovenant) ? covenant.value : null;
    else if (checkin !== undefined)
      value =
        this.cues.checkinButtons.get(checkin.text) === 'answer' && this.rng.chance(b.checkin)
          ? checkin.value
          : null;
    else if (this.rng.chance(b.click)) value = valued[this.rng.below(valued.length)]!.value;
    if (value !== null) this.agenda.push(at + this.delay(CLICK_MEAN), ITEM.click, member, value);
  }

  /** A checkout was sent: the member may pay it. */
  onCheckout(effect: Effect, at: number): void {
    const c = effect.data as unknown as CheckoutData;
    const member = this.population.indexOf(c.member);
    if (member < 0) return;
    const s = this.population.states[member]!;
    if (s.leftAt !== null || !this.rng.chance(this.behaviour(s).purchase)) return;
    const p: Payment = {
      orderId: c.orderId,
      paymentId: `pay:${c.orderId}`,
      offer: c.offer,
      amount: c.amount,
      currency: c.currency,
      provider: effect.target,
    };
    this.agenda.push(at + this.delay(PAY_MEAN), ITEM.pay, member, p);
  }

  /** The engine asked a provider to send money back (a group buy that failed): it reports the refund. */
  onRefundRequest(effect: Effect, at: number): void {
    const d = effect.data;
    const member = typeof d.member === 'string' ? this.population.indexOf(d.member) : -1;
    if (member < 0) return;
    this.agenda.push(at + PROVIDER_DELAY, ITEM.event, member, {
      type: EVENTS.paymentRefunded,
      data: { ...d },
    });
  }

  /** The channel was asked to open a group: it reports the group open. */
  onGroupOpen(effect: Effect, at: number): void {
    const d = effect.data;
    this.agenda.push(at + PROVIDER_DELAY, ITEM.event, -1, {
      type: EVENTS.groupOpened,
      data: { pool: d.pool, group: d.group, external: d.group },
    });
  }

  /** At least a minute: nobody reacts within the same instant. */
  private delay(mean: number): number {
    return 60_000 + Math.floor(this.rng.exponential(mean));
  }
}
