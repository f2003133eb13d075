import type { CompiledPlaybook } from '../compile/types.js';
import { windowTime } from '../kernel/delivery.js';
import { PAYMENT_EFFECTS } from '../mechanics/ledger/effects.js';
import type { Effect, Recipient } from '../model/effect.js';
import { EFFECTS } from '../model/effect.js';
import type { Clock } from '../ports/clock.js';
import type { DeliveryResult, Effects } from '../ports/effects.js';
import type { Agenda } from './agenda.js';
import { ITEM, type SyntheticCommunity } from './community.js';
import type { ChannelMeter } from './meter.js';
import type { Population } from './population.js';

const DELIVERED: DeliveryResult = Object.freeze({ ok: true });

/**
 * A group's share of the per-group cap: the times of its last sends and the messages the cap is
 * holding back, first come first served, with at most one agenda item for the whole backlog.
 */
export class GroupLane {
  readonly log: number[] = [];
  held: (Effect | undefined)[] = [];
  head = 0;

  get waiting(): number {
    return this.held.length - this.head;
  }

  take(): Effect {
    const e = this.held[this.head]!;
    this.held[this.head++] = undefined;
    if (this.head === this.held.length) {
      this.held = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.held.length) {
      this.held.splice(0, this.head);
      this.head = 0;
    }
    return e;
  }
}

/**
 * The plugins of a simulated community: channels that always deliver and payment providers that
 * always take the money, each reporting what the engine asked of it to its meter and letting the
 * synthetic members react (press a button, pay, ask for a refund). An effect is carried out at
 * its `notBefore`, after the playbook's per-group cap, as the dispatcher would at send time.
 *
 * A group whose cap is full holds its messages in a queue and releases them one per free slot in
 * the order they were held; a message for a group with a backlog waits behind it even if a slot
 * is free at that instant. (Re-trying every held message at the next free slot, as the outbox
 * dispatcher does, costs n tries per slot for a backlog of n, n² in all: a tenth of a
 * hundred-thousand-member run. The queue sends as many messages per window; only which of the
 * messages due at one instant goes first can differ.)
 */
export class SimulatedProviders implements Effects {
  /** Effects carried out, by type. */
  readonly byType = new Map<string, number>();
  private readonly lanes = new Map<string, GroupLane>();

  constructor(
    private readonly playbook: CompiledPlaybook,
    private readonly meters: ReadonlyMap<string, ChannelMeter>,
    private readonly population: Population,
    private readonly community: SyntheticCommunity,
    private readonly agenda: Agenda,
    private readonly clock: Clock,
  ) {}

  /** Effects a commit handed over: carried out now, or put on the agenda for their time. */
  accept(effects: readonly Effect[]): void {
    const now = this.clock.now();
    for (const e of effects) {
      if (e.notBefore > now) this.agenda.push(e.notBefore, ITEM.deliver, -1, e);
      else this.dispatch(e, now);
    }
  }

  /** An effect whose time has come: the per-group cap first (it may hold it back or drop it). */
  dispatch(effect: Effect, now: number): void {
    const cap = this.playbook.delivery.perGroup;
    const lane = cap === null ? null : this.laneOf(effect);
    if (cap === null || lane === null) {
      this.carry(effect, now);
      return;
    }
    if (lane.waiting > 0) {
      lane.held.push(effect);
      this.meters.get(effect.target)!.groupDeferred++;
      return;
    }
    const gate = windowTime(cap, lane.log, now);
    if (gate === now) this.send(cap, lane, effect, now);
    else if (gate === 'skip') this.meters.get(effect.target)!.groupSkipped++;
    else {
      lane.held.push(effect);
      this.meters.get(effect.target)!.groupDeferred++;
      this.agenda.push(gate, ITEM.redeliver, -1, lane);
    }
  }

  /** A slot of a group with held messages is free (`ITEM.redeliver`): the first of them goes. */
  release(lane: GroupLane, now: number): void {
    const cap = this.playbook.delivery.perGroup!;
    for (;;) {
      this.send(cap, lane, lane.take(), now);
      if (lane.waiting === 0) return;
      const gate = windowTime(cap, lane.log, now);
      if (gate === now) continue;
      // only a deferring cap holds messages, so this is the next free slot, never 'skip'
      if (gate !== 'skip') this.agenda.push(gate, ITEM.redeliver, -1, lane);
      return;
    }
  }

  async deliver(effect: Effect): Promise<DeliveryResult> {
    this.carry(effect, this.clock.now());
    return DELIVERED;
  }

  /** Messages still waiting for their time when the run ended, per channel. */
  countPending(): void {
    const count = (e: Effect) => {
      if (e.type !== EFFECTS.send) return;
      const m = this.meters.get(e.target);
      if (m !== undefined) m.pendingAtEnd++;
    };
    this.agenda.forEach((_at, kind, _member, data) => {
      if (kind === ITEM.deliver) count(data as Effect);
    });
    for (const lane of this.lanes.values())
      for (let i = lane.head; i < lane.held.length; i++) count(lane.held[i]!);
  }

  /** The lane of a group message the cap applies to, or null. */
  private laneOf(effect: Effect): GroupLane | null {
    if (effect.type !== EFFECTS.send || effect.data.critical === true) return null;
    const to = effect.data.to as Recipient | undefined;
    if (to?.kind !== 'group' || to.group === null || !this.meters.has(effect.target)) return null;
    let lane = this.lanes.get(to.group);
    if (lane === undefined) {
      lane = new GroupLane();
      this.lanes.set(to.group, lane);
    }
    return lane;
  }

  /** Sends in a free slot: the same sliding window the dispatcher applies (`delivery.perGroup`). */
  private send(cap: { max: number }, lane: GroupLane, effect: Effect, now: number): void {
    const log = lane.log;
    log.push(now);
    if (log.length > cap.max) log.splice(0, log.length - cap.max);
    this.carry(effect, now);
  }

  private carry(effect: Effect, at: number): void {
    this.byType.set(effect.type, (this.byType.get(effect.type) ?? 0) + 1);
    const meter = this.meters.get(effect.target);
    if (meter !== undefined) meter.record(effect, at, this.zoneOf(effect));
    switch (effect.type) {
      case EFFECTS.send:
        this.community.onMessage(effect, at);
        return;
      case EFFECTS.checkout:
        this.community.onCheckout(effect, at);
        return;
      case EFFECTS.groupOpen:
        this.community.onGroupOpen(effect, at);
        return;
      case PAYMENT_EFFECTS.refund:
        this.community.onRefundRequest(effect, at);
        return;
    }
  }

  /** Where quiet hours are kept for this message: the member's zone for a direct one, else the community's. */
  private zoneOf(effect: Effect): string {
    const to = effect.data.to as Recipient | undefined;
    if (to?.kind === 'member') {
      const i = this.population.indexOf(to.member);
      const zone = i < 0 ? null : this.population.states[i]!.profile.timezone;
      if (zone !== null) return zone;
    }
    return this.playbook.timezone;
  }
}
