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
 * The plugins of a simulated community: channels that always deliver and payment providers that
 * always take the money, each reporting what the engine asked of it to its meter and letting the
 * synthetic members react (press a button, pay, ask for a refund). An effect is carried out at
 * its `notBefore`, after the playbook's per-group cap, as the dispatcher would at send time.
 */
export class SimulatedProviders implements Effects {
  /** Effects carried out, by type. */
  readonly byType = new Map<string, number>();
  private readonly groupLogs = new Map<string, number[]>();

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

  /**
   * An effect whose time has come: the per-group cap first (it may hold it back or drop it).
   * `held`: the cap held it back before (it comes back as `ITEM.redeliver`, counted once).
   */
  dispatch(effect: Effect, now: number, held = false): void {
    const gate = this.groupGate(effect, now);
    if (gate === now) this.carry(effect, now);
    else if (gate === 'skip') this.meters.get(effect.target)!.groupSkipped++;
    else {
      if (!held) this.meters.get(effect.target)!.groupDeferred++;
      this.agenda.push(gate, ITEM.redeliver, -1, effect);
    }
  }

  async deliver(effect: Effect): Promise<DeliveryResult> {
    this.carry(effect, this.clock.now());
    return DELIVERED;
  }

  /** Messages still waiting for their time when the run ended, per channel. */
  countPending(): void {
    this.agenda.forEach((_at, kind, _member, data) => {
      if (kind !== ITEM.deliver && kind !== ITEM.redeliver) return;
      const e = data as Effect;
      if (e.type === EFFECTS.send) {
        const m = this.meters.get(e.target);
        if (m !== undefined) m.pendingAtEnd++;
      }
    });
  }

  /** The same sliding window the dispatcher applies (`delivery.perGroup`), over this run's sends. */
  private groupGate(effect: Effect, now: number): number | 'skip' {
    const cap = this.playbook.delivery.perGroup;
    if (cap === null || effect.type !== EFFECTS.send || effect.data.critical === true) return now;
    const to = effect.data.to as Recipient | undefined;
    if (to?.kind !== 'group' || to.group === null || !this.meters.has(effect.target)) return now;
    let log = this.groupLogs.get(to.group);
    if (log === undefined) {
      log = [];
      this.groupLogs.set(to.group, log);
    }
    const decision = windowTime(cap, log, now);
    if (decision === now) {
      log.push(now);
      if (log.length > cap.max) log.splice(0, log.length - cap.max);
    }
    return decision;
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
