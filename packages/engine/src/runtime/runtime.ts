import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { compilePlaybook } from '../compile/compile.js';
import type { CompiledPlaybook } from '../compile/types.js';
import { advance, type Input, reviewIsIdle } from '../kernel/advance.js';
import { DEFAULT_KERNEL_OPTIONS, type Kernel, type KernelOptions } from '../kernel/context.js';
import { mechanicTimerKey } from '../kernel/mechanics-bridge.js';
import { mergeOutcome, type Outcome, type Timer } from '../kernel/outcome.js';
import { timerKey } from '../kernel/steps/wait.js';
import { reconcileTimers } from '../kernel/timers.js';
import { DEFAULT_MECHANICS } from '../mechanics/index.js';
import type {
  CommunityOutput,
  Mechanic,
  MechanicEvent,
  ServiceEnv,
  ServiceHandler,
} from '../mechanics/types.js';
import type { Effect, OutboxEntry } from '../model/effect.js';
import type { EventInput, KithEvent } from '../model/event.js';
import { type MemberState, newMemberState } from '../model/member.js';
import type { Clock } from '../ports/clock.js';
import type { Effects } from '../ports/effects.js';
import type { ImmediateTimers, Scheduler } from '../ports/scheduler.js';
import type { ImmediateMembers, Store } from '../ports/store.js';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import { KeyedMutex } from './keyed-mutex.js';
import { type MigrationPreview, MigrationTally } from './migration.js';
import { Dispatcher, type DispatchReport, type EffectDelivery } from './outbox.js';
import { GROUP_OPENED, GROUP_SERVICES } from './services/groups.js';
import { INTRODUCTION_SERVICES } from './services/introductions.js';
import { tenantTimers, tenantWork } from './tenant-timers.js';
import { TenantPlaybooks } from './tenants.js';

export interface RuntimeOptions {
  store: Store;
  scheduler: Scheduler;
  clock: Clock;
  effects: Effects;
  mechanics?: readonly Mechanic[];
  retry?: Partial<RetryPolicy>;
  kernel?: Partial<KernelOptions>;
  /** Extra or replacement shared-state services (a SQL store may bring its own group directory). */
  services?: Readonly<Record<string, ServiceHandler>>;
  /** Sees every committed outcome (funnel analytics, live views); must not throw. */
  observer?: (tenant: string, member: string, outcome: Outcome) => void;
  /**
   * The synchronous side of `store` and `scheduler` (the same objects), when both are in memory
   * and this Runtime is their only user, as in a simulation: an input that calls no service then
   * runs from load to commit at once, without a promise (and its garbage) per step.
   */
  immediate?: { members: ImmediateMembers; timers: ImmediateTimers };
}

export interface PublishOptions {
  version: string;
  params?: Readonly<Record<string, unknown>>;
  /** Exact plugin versions by instance id, as the host resolved each `use:` range. */
  plugins?: Readonly<Record<string, string>>;
}

export interface PublishReport extends MigrationPreview {
  /** Members whose runs were moved or ended by the migrate map. */
  migrated: number;
}

export type IngestStatus = 'processed' | 'duplicate';

export interface TickReport {
  timers: number;
  effects: DispatchReport;
}

const DISPATCH_BATCH = 1000;

/** Shared records counting community schedules' firings, by timer key. */
const SCHEDULES_NAMESPACE = 'schedules';

function batchSize(r: DispatchReport): number {
  return r.delivered + r.failed + r.dead + r.deferred + r.skipped;
}

/**
 * A community event sent to every member (`member: '*'`): the members it goes to, listed when it
 * was sent, each one's event (id `${source}${member}`) made when its turn comes.
 */
interface FanOut {
  tenant: string;
  source: string;
  type: string;
  at: number;
  data: Readonly<Record<string, unknown>>;
  ids: readonly string[];
}

/** How often `load` asks the Store for versions published by other processes. */
const LOAD_REFRESH_MS = 2000;

/** What `tickNow` reports of the outbox when it dispatched nothing: one frozen report for every tick. */
const NOTHING_DISPATCHED = Object.freeze({ delivered: 0, failed: 0, dead: 0, deferred: 0, skipped: 0 });

/** Commit retries on a compare-and-set conflict before giving up (another worker keeps winning). */
const MAX_CONFLICTS = 16;

/**
 * A service's or a preparer's environment. Most never forward anything (an index update, a
 * count), so the id prefix of forwarded events is built on the first one, not for every call.
 */
class Env implements ServiceEnv {
  readonly now: number;
  private prefix: string | null = null;
  private n = 0;

  constructor(
    readonly store: Store,
    readonly playbook: CompiledPlaybook,
    private readonly clock: Clock,
    private readonly queue: (KithEvent | FanOut)[],
    private readonly tenant: string,
    private readonly kind: string,
    private readonly a: string,
    private readonly b: string,
    private readonly c: string | undefined,
  ) {
    this.now = clock.now();
  }

  forward(e: MechanicEvent & { member: string | null }): void {
    this.prefix ??= `${this.kind}:${this.a}:${this.b}:${this.c === undefined ? '' : `${this.c}:`}`;
    this.queue.push({
      tenant: this.tenant,
      id: `${this.prefix}${this.n++}`,
      type: e.type,
      member: e.member,
      at: this.clock.now(),
      data: e.data ?? {},
    });
  }
}

/**
 * The engine with its ports: it loads a member, runs the pure core on one input, fulfils service
 * requests, and commits state + consumed event + outbox atomically, then sets timers. Everything
 * it knows about time comes from the Clock.
 */
export class Runtime {
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  private readonly mechanics: readonly Mechanic[];
  private readonly kernelOptions: KernelOptions;
  private readonly tenants = new Map<string, TenantPlaybooks>();
  /**
   * Per tenant, per member: keyed by the member id itself (a string made once, whose hash V8
   * keeps), not by a tenant+member string built and hashed afresh for every input.
   */
  private readonly locks = new Map<string, KeyedMutex>();
  private readonly services: Map<string, ServiceHandler>;
  private readonly dispatcher: Dispatcher;
  /** Events for other members, taken in order by `drain`; a fan-out is one entry for all its members. */
  private readonly forwarded: (KithEvent | FanOut)[] = [];
  private readonly observer: RuntimeOptions['observer'];
  private readonly immediate: RuntimeOptions['immediate'];
  private draining = false;
  /** When each tenant's published versions were last read from the Store (`load`). */
  private readonly refreshedAt = new Map<string, number>();
  private readonly preparers = new WeakMap<CompiledPlaybook, Map<string, readonly Mechanic[]>>();

  constructor(options: RuntimeOptions) {
    this.store = options.store;
    this.scheduler = options.scheduler;
    this.clock = options.clock;
    this.mechanics = options.mechanics ?? DEFAULT_MECHANICS;
    this.kernelOptions = { ...DEFAULT_KERNEL_OPTIONS, ...options.kernel };
    this.observer = options.observer;
    this.immediate = options.immediate;
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    if (retry.maxAttempts < 1) throw new Error('retry.maxAttempts must be at least 1');
    this.services = new Map(
      Object.entries({
        ...GROUP_SERVICES,
        ...INTRODUCTION_SERVICES,
        ...Object.assign({}, ...this.mechanics.map((m) => m.services ?? {})),
        ...options.services,
      }),
    );
    this.dispatcher = new Dispatcher(
      this.store,
      options.effects,
      retry,
      (t) => this.tenants.get(t)?.current?.delivery.perGroup ?? null,
    );
  }

  private playbooks(tenant: string): TenantPlaybooks {
    let t = this.tenants.get(tenant);
    if (t === undefined) {
      t = new TenantPlaybooks(tenant, this.mechanics, this.kernelOptions);
      this.tenants.set(tenant, t);
    }
    return t;
  }

  /** The kernel of a tenant: for tools (simulation, `kith test`) that drive `advance` directly. */
  kernel(tenant: string): Kernel {
    return this.playbooks(tenant).kernel();
  }

  compile(playbook: ResolvedPlaybook, options: PublishOptions): CompiledPlaybook {
    return compilePlaybook(playbook, {
      version: options.version,
      params: options.params ?? {},
      mechanics: this.mechanics,
      plugins: options.plugins ?? {},
    });
  }

  /** What publishing would do to runs in progress, without doing it. */
  async preview(
    tenant: string,
    playbook: ResolvedPlaybook,
    options: PublishOptions,
  ): Promise<MigrationPreview> {
    const next = this.compile(playbook, options);
    const t = this.playbooks(tenant);
    const tally = new MigrationTally(next, (v) => t.version(v));
    for await (const id of this.store.memberIds(tenant)) {
      const state = await this.store.loadMember(tenant, id);
      if (state !== undefined) tally.add(state);
    }
    return tally.result();
  }

  /**
   * Publishes a version: new runs start on it; runs in progress move by its `migrate` map or
   * finish on their own version. Schedules and the stage review are (re)armed.
   */
  async publish(tenant: string, playbook: ResolvedPlaybook, options: PublishOptions): Promise<PublishReport> {
    const next = this.compile(playbook, options);
    const t = this.playbooks(tenant);
    const hadVersions = t.current !== undefined;
    t.add(next);
    await this.store.savePublished(tenant, {
      version: next.version,
      publishedAt: this.clock.now(),
      playbook,
      params: { ...next.params },
    });
    await this.armTenantTimers(tenant, next);
    const tally = new MigrationTally(next, (v) => t.version(v));
    let migrated = 0;
    if (hadVersions) {
      for await (const id of this.store.memberIds(tenant)) {
        const state = await this.store.loadMember(tenant, id);
        if (state === undefined || !tally.add(state)) continue;
        await this.process(tenant, id, { kind: 'migrate' }, null, this.clock.now());
        migrated++;
      }
      await this.drain();
    }
    return { ...tally.result(), migrated };
  }

  private async armTenantTimers(tenant: string, pb: CompiledPlaybook): Promise<void> {
    const timers = tenantTimers(tenant, pb, this.clock.now(), this.mechanics);
    if (timers.length > 0) await this.scheduler.schedule(timers);
  }

  /** Takes an event in. The same (tenant, id) twice has no second effect. */
  async ingest(input: EventInput): Promise<IngestStatus> {
    return this.ingestNow(input);
  }

  /**
   * `ingest`, with the status itself rather than a promise of it when nothing had to wait: with
   * the immediate ports (`RuntimeOptions.immediate`), an event whose input — and the events it
   * forwarded — called no service. A simulation's loop then suspends only for those that did.
   */
  ingestNow(input: EventInput): IngestStatus | Promise<IngestStatus> {
    const event: KithEvent = {
      tenant: input.tenant,
      id: input.id,
      type: input.type,
      member: input.member ?? null,
      at: input.at ?? this.clock.now(),
      data: input.data ?? {},
    };
    const ingested = this.ingestEvent(event);
    if (typeof ingested !== 'string') return this.thenDrain(ingested);
    if (this.forwarded.length > 0 && !this.draining) return this.thenDrain(ingested);
    return ingested;
  }

  private async thenDrain(ingested: IngestStatus | Promise<IngestStatus>): Promise<IngestStatus> {
    const status = await ingested;
    if (this.forwarded.length > 0) await this.drain();
    return status;
  }

  /** An event in: at once when nothing has to wait (see `runInput`), else a promise. */
  private ingestEvent(event: KithEvent): IngestStatus | Promise<IngestStatus> {
    if (event.member === null) return this.ingestCommunityEvent(event);
    const pb = this.tenants.get(event.tenant)?.current;
    if (pb !== undefined && this.preparersOf(pb, event.type).length > 0)
      return this.prepareThenRun(event, event.member);
    return this.runInput(event.tenant, event.member, { kind: 'event', event }, event.id, this.clock.now());
  }

  private async prepareThenRun(event: KithEvent, member: string): Promise<IngestStatus> {
    const prepared = await this.prepare(event);
    if (prepared === null) return 'duplicate';
    const input: Input = { kind: 'event', event: prepared };
    return this.runInput(event.tenant, member, input, event.id, this.clock.now());
  }

  private async ingestCommunityEvent(event: KithEvent): Promise<IngestStatus> {
    if (!(await this.store.consumeEvent(event.tenant, event.id))) return 'duplicate';
    await this.communityEvent(event);
    return 'processed';
  }

  private async communityEvent(event: KithEvent): Promise<void> {
    if (event.type === 'group.opened') {
      await this.call(
        { service: GROUP_OPENED, tenant: event.tenant, member: '', token: null, input: event.data },
        event.tenant,
      );
    }
    const pb = this.tenants.get(event.tenant)?.current;
    if (pb === undefined) return;
    for (const m of this.mechanics) {
      if (m.onCommunityEvent === undefined || !pb.plans.has(m.name)) continue;
      const ctx = { tenant: event.tenant, now: this.clock.now(), plan: pb.plans.get(m.name), playbook: pb };
      await this.community(event.tenant, `${event.id}~${m.name}`, event.at, m.onCommunityEvent(ctx, event));
    }
  }

  /**
   * Carries out a mechanic's community-level output: effects go to the outbox keyed by the
   * source (so a repeated firing adds nothing), events go to their members, `'*'` to every member.
   */
  private async community(
    tenant: string,
    source: string,
    at: number,
    out: CommunityOutput | undefined,
  ): Promise<void> {
    if (out === undefined) return;
    const effects = (out.effects ?? []).map(
      (e, i): Effect => ({
        key: `${tenant}/community/${source}/${i}`,
        tenant,
        member: null,
        instance: null,
        step: null,
        type: e.type,
        target: e.target,
        data: e.data,
        notBefore: e.notBefore ?? at,
      }),
    );
    if (effects.length > 0) await this.store.enqueueEffects(effects);
    for (const r of out.requests ?? [])
      await this.call({ service: r.service, tenant, member: '', token: source, input: r.input }, tenant);
    let n = 0;
    for (const e of out.events ?? []) {
      const k = n++;
      const emit = (member: string | null) =>
        this.forwarded.push({
          tenant,
          id: `${source}~${k}${member === null ? '' : `~${member}`}`,
          type: e.type,
          member,
          at,
          data: e.data ?? {},
        });
      if (e.member !== '*') {
        emit(e.member);
        continue;
      }
      // The members are listed now (who is a member when it fires), but each one's event is made
      // only when its turn comes: a fan-out to a million members would otherwise hold a million
      // event objects at once, every one surviving into the old generation.
      const ids = await this.memberList(tenant);
      if (ids.length > 0)
        this.forwarded.push({ tenant, source: `${source}~${k}~`, type: e.type, at, data: e.data ?? {}, ids });
    }
  }

  /** Resumes the wait with this token (`instance@step`); kept if the wait is not saved yet. */
  async resume(
    tenant: string,
    member: string,
    token: string,
    data: Record<string, unknown> = {},
    id = token,
  ): Promise<void> {
    await this.process(tenant, member, { kind: 'resume', id, token, data }, `resume:${id}`, this.clock.now());
    await this.drain();
  }

  private async call(req: Parameters<ServiceHandler>[0], tenant: string): Promise<Record<string, unknown>> {
    const handler = this.services.get(req.service);
    if (handler === undefined) throw new Error(`no service '${req.service}'`);
    const pb = this.playbooks(tenant).kernel().current;
    return handler(req, this.serviceEnv(tenant, pb, 'svc', req.service, req.member, req.token ?? ''));
  }

  /**
   * What a service or `prepare` works with; events it forwards get ids `${kind}:${a}:${b}:${n}`,
   * or `${kind}:${a}:${b}:${c}:${n}` with `c`.
   */
  private serviceEnv(
    tenant: string,
    pb: CompiledPlaybook,
    kind: string,
    a: string,
    b: string,
    c?: string,
  ): ServiceEnv {
    return new Env(this.store, pb, this.clock, this.forwarded, tenant, kind, a, b, c);
  }

  /**
   * Lets mechanics add what an event needs from shared state before the pure core sees it (see
   * `Mechanic.prepare`). Null: the event was consumed already.
   */
  private preparersOf(pb: CompiledPlaybook, type: string): readonly Mechanic[] {
    // per version and event type, once: this runs for every event
    let byType = this.preparers.get(pb);
    if (byType === undefined) {
      byType = new Map();
      this.preparers.set(pb, byType);
    }
    let list = byType.get(type);
    if (list === undefined) {
      list = this.mechanics.filter(
        (m) =>
          m.prepare !== undefined &&
          pb.plans.has(m.name) &&
          (m.events === undefined || m.events.includes(type) || m.events.includes('*')),
      );
      byType.set(type, list);
    }
    return list;
  }

  private async prepare(event: KithEvent): Promise<KithEvent | null> {
    const pb = this.tenants.get(event.tenant)?.current;
    if (pb === undefined) return event;
    const preparers = this.preparersOf(pb, event.type);
    if (preparers.length === 0) return event;
    if (await this.store.hasEvent(event.tenant, event.id)) return null;
    let data = event.data;
    for (const m of preparers) {
      const env = this.serviceEnv(event.tenant, pb, 'prep', m.name, event.id);
      const extra = await m.prepare?.({ ...event, data }, env);
      if (extra !== undefined) data = { ...data, ...extra };
    }
    return data === event.data ? event : { ...event, data };
  }

  /**
   * One input for one member, serialised per member in this process and compare-and-set against
   * other processes: on a conflict the input runs again on fresh state (with the same `now`).
   */
  private async process(
    tenant: string,
    member: string,
    input: Input,
    eventId: string | null,
    now: number,
  ): Promise<IngestStatus> {
    const kernel = this.kernel(tenant);
    return this.locksOf(tenant).run(member, async () => {
      for (let attempt = 0; ; attempt++) {
        if (eventId !== null && (await this.store.hasEvent(tenant, eventId))) return 'duplicate';
        const loaded = await this.store.loadMember(tenant, member);
        // a review that would change nothing is not run: nothing to commit, nothing to carry out
        if (input.kind === 'review' && loaded !== undefined && reviewIsIdle(kernel, loaded, now))
          return 'processed';
        const state: MemberState = loaded ?? newMemberState(tenant, member);
        const expectedRev = state.rev;
        const out = advance(kernel, state, input, now);
        if (out.requests.length > 0) await this.serve(kernel, tenant, state, out, now);
        const result = await this.store.commitMember({
          tenant,
          state,
          expectedRev,
          eventId,
          effects: out.effects,
          finished: out.finished,
        });
        if (result === 'duplicate') return 'duplicate';
        if (result === 'conflict') {
          if (attempt >= MAX_CONFLICTS) throw new Error(`member '${member}' keeps changing under us`);
          continue;
        }
        if (out.cancels.length > 0) await this.scheduler.cancel(tenant, out.cancels);
        if (out.timers.length > 0) await this.scheduler.schedule(out.timers);
        for (let i = 0; i < out.forward.length; i++) this.forwarded.push(out.forward[i]!);
        this.observer?.(tenant, member, out);
        return 'processed';
      }
    });
  }

  /** Every member now (a fan-out's addressees). */
  private async memberList(tenant: string): Promise<readonly string[]> {
    // a fresh list already, as the port says: a fan-out walks it while members join
    if (this.immediate !== undefined) return this.immediate.members.memberIdsNow(tenant);
    const ids: string[] = [];
    for await (const id of this.store.memberIds(tenant)) ids.push(id);
    return ids;
  }

  private locksOf(tenant: string): KeyedMutex {
    let locks = this.locks.get(tenant);
    if (locks === undefined) {
      locks = new KeyedMutex();
      this.locks.set(tenant, locks);
    }
    return locks;
  }

  /** Fulfils an outcome's service requests, each reply advancing the member again. */
  private async serve(kernel: Kernel, tenant: string, state: MemberState, out: Outcome, now: number) {
    for (let i = 0; i < out.requests.length; i++) {
      const req = out.requests[i]!;
      const output = await this.call(req, tenant);
      if (req.token !== null)
        mergeOutcome(out, advance(kernel, state, { kind: 'reply', token: req.token, output }, now));
    }
    reconcileTimers(tenant, state, out);
  }

  /**
   * `process`, done at once when it can be: with the immediate ports, the member free in this
   * process and no service to call, the input runs from load to commit synchronously (the same
   * steps in the same order). Otherwise — or once a service must be awaited — it goes on as a
   * promise, holding the member's lock as `process` would.
   */
  private runInput(
    tenant: string,
    member: string,
    input: Input,
    eventId: string | null,
    now: number,
  ): IngestStatus | Promise<IngestStatus> {
    const im = this.immediate;
    if (im === undefined) return this.process(tenant, member, input, eventId, now);
    const locks = this.locksOf(tenant);
    if (!locks.tryLock(member)) return this.process(tenant, member, input, eventId, now);
    let handedOver = false;
    try {
      if (eventId !== null && im.members.hasEventNow(tenant, eventId)) return 'duplicate';
      const kernel = this.kernel(tenant);
      const loaded = im.members.loadMemberNow(tenant, member);
      if (input.kind === 'review' && loaded !== undefined && reviewIsIdle(kernel, loaded, now))
        return 'processed';
      const state: MemberState = loaded ?? newMemberState(tenant, member);
      const expectedRev = state.rev;
      const out = advance(kernel, state, input, now);
      if (out.requests.length > 0) {
        locks.keep(member);
        handedOver = true;
        return this.serveThenCommit(
          im,
          locks,
          kernel,
          tenant,
          member,
          input,
          eventId,
          now,
          state,
          expectedRev,
          out,
        );
      }
      return this.commitNow(im, tenant, member, input, eventId, now, state, expectedRev, out);
    } finally {
      if (!handedOver) locks.unlock(member);
    }
  }

  private async serveThenCommit(
    im: NonNullable<RuntimeOptions['immediate']>,
    locks: KeyedMutex,
    kernel: Kernel,
    tenant: string,
    member: string,
    input: Input,
    eventId: string | null,
    now: number,
    state: MemberState,
    expectedRev: number,
    out: Outcome,
  ): Promise<IngestStatus> {
    try {
      await this.serve(kernel, tenant, state, out, now);
      return this.commitNow(im, tenant, member, input, eventId, now, state, expectedRev, out);
    } finally {
      locks.unlock(member);
    }
  }

  /** Commits with the lock held; what follows a commit, as in `process`. */
  private commitNow(
    im: NonNullable<RuntimeOptions['immediate']>,
    tenant: string,
    member: string,
    input: Input,
    eventId: string | null,
    now: number,
    state: MemberState,
    expectedRev: number,
    out: Outcome,
  ): IngestStatus | Promise<IngestStatus> {
    const result = im.members.commitMemberNow({
      tenant,
      state,
      expectedRev,
      eventId,
      effects: out.effects,
      finished: out.finished,
    });
    if (result === 'duplicate') return 'duplicate';
    // another writer got there first (not expected of an immediate store): the full path, which
    // queues behind this lock and runs the input again on fresh state
    if (result === 'conflict') return this.process(tenant, member, input, eventId, now);
    if (out.cancels.length > 0) im.timers.cancelNow(tenant, out.cancels);
    if (out.timers.length > 0) im.timers.scheduleNow(out.timers);
    for (let i = 0; i < out.forward.length; i++) this.forwarded.push(out.forward[i]!);
    this.observer?.(tenant, member, out);
    return 'processed';
  }

  /** Ingests events emitted for other members (referrals, introductions, waitlists). */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      // An index, not shift(): a ritual fans out to every member, and shift() is O(n) each.
      let i = 0;
      while (i < this.forwarded.length) {
        const e = this.forwarded[i++]!;
        if ('ids' in e) {
          for (const member of e.ids) {
            const { tenant, type, at, data } = e;
            const r = this.ingestEvent({ tenant, id: `${e.source}${member}`, type, member, at, data });
            if (typeof r !== 'string') await r;
          }
        } else {
          const r = this.ingestEvent(e);
          if (typeof r !== 'string') await r;
        }
        if (i >= 4096 && i * 2 >= this.forwarded.length) {
          this.forwarded.splice(0, i);
          i = 0;
        }
      }
      this.forwarded.length = 0;
    } finally {
      this.draining = false;
    }
  }

  /** Handles one due timer. */
  async fire(timer: Timer): Promise<void> {
    if (timer.member !== null) {
      const r = this.runInput(timer.tenant, timer.member, { kind: 'timer', timer }, null, this.clock.now());
      if (typeof r !== 'string') await r;
      return;
    }
    const pb = this.tenants.get(timer.tenant)?.current;
    const due = pb === undefined ? null : tenantWork(timer, pb);
    if (pb === undefined || due === null) return;
    const work = due.work;
    if (work.kind === 'mechanic') {
      const m = this.mechanics.find((x) => x.name === work.mechanic);
      if (m?.onSchedule !== undefined && pb.plans.has(m.name)) {
        const ctx = { tenant: timer.tenant, now: this.clock.now(), plan: pb.plans.get(m.name), playbook: pb };
        const occurrence = await this.occurrence(timer);
        await this.community(
          timer.tenant,
          `${timer.key}@${timer.at}`,
          timer.at,
          m.onSchedule(ctx, work.name, work.at, occurrence),
        );
      }
    } else {
      const im = this.immediate;
      if (im !== undefined) {
        for (const id of im.members.memberIdsNow(timer.tenant)) {
          const r = this.runInput(timer.tenant, id, work, null, this.clock.now());
          if (typeof r !== 'string') await r;
        }
      } else {
        for await (const id of this.store.memberIds(timer.tenant))
          await this.process(timer.tenant, id, work, null, this.clock.now());
      }
    }
    if (due.next !== null) await this.scheduler.schedule([due.next]);
  }

  /**
   * Counts a community schedule's firings in the Store (a ritual's `occurrence`): durable across
   * restarts, and a repeated delivery of the same firing gets the same number.
   */
  private async occurrence(timer: Timer): Promise<number> {
    const rec = await this.store.updateShared<{ n: number; at: number }>(
      timer.tenant,
      SCHEDULES_NAMESPACE,
      timer.key,
      (cur) =>
        cur === undefined
          ? { n: 1, at: timer.at }
          : cur.at >= timer.at
            ? cur
            : { n: cur.n + 1, at: timer.at },
    );
    return rec.n;
  }

  /** Fires due timers, then delivers due effects, at the clock's current time. */
  async tick(): Promise<TickReport> {
    const now = this.clock.now();
    let timers = 0;
    for (;;) {
      const due = await this.scheduler.takeDue(now, 1000);
      if (due.length === 0) break;
      for (const t of due) await this.fire(t);
      timers += due.length;
      await this.drain();
    }
    const effects = await this.dispatcher.dispatch(now, DISPATCH_BATCH);
    for (let batch = effects; batchSize(batch) === DISPATCH_BATCH; ) {
      batch = await this.dispatcher.dispatch(now, DISPATCH_BATCH);
      for (const k of Object.keys(effects) as (keyof DispatchReport)[]) effects[k] += batch[k];
    }
    return { timers, effects };
  }

  /**
   * `tick`, with the report itself rather than a promise of it when nothing had to wait: with the
   * immediate ports, timers due that are all members' and call no service, forwarding nothing,
   * and no effect due in the outbox. The same timers fire in the same order as in `tick`; once one
   * has to wait, the rest goes on as `tick` does.
   */
  tickNow(): TickReport | Promise<TickReport> {
    const im = this.immediate;
    if (im === undefined) return this.tick();
    const now = this.clock.now();
    let timers = 0;
    for (;;) {
      const due = im.timers.takeDueNow(now, 1000);
      if (due.length === 0) break;
      timers += due.length;
      for (let i = 0; i < due.length; i++) {
        const t = due[i]!;
        const r =
          t.member === null
            ? this.fire(t)
            : this.runInput(t.tenant, t.member, { kind: 'timer', timer: t }, null, now);
        if (typeof r !== 'string') return this.tickRest(r, due, i + 1, timers);
      }
      if (this.forwarded.length > 0) return this.tickRest(undefined, due, due.length, timers);
    }
    const next = im.members.nextEffectAtNow();
    if (next !== undefined && next <= now) return this.tickRest(undefined, [], 0, timers);
    return { timers, effects: NOTHING_DISPATCHED };
  }

  /** The rest of `tickNow` once something must be awaited: the batch's remaining timers, then `tick`. */
  private async tickRest(
    pending: Promise<unknown> | undefined,
    due: readonly Timer[],
    from: number,
    timers: number,
  ): Promise<TickReport> {
    await pending;
    for (let i = from; i < due.length; i++) await this.fire(due[i]!);
    await this.drain();
    const rest = await this.tick();
    return { timers: timers + rest.timers, effects: rest.effects };
  }

  /**
   * With a virtual clock: moves time forward to `until`, stopping at every due timer and effect
   * in order, so that a month runs in milliseconds and in the same order every time.
   */
  async runUntil(until: number, clock: { set(at: number): void }): Promise<void> {
    for (;;) {
      await this.tick();
      const [t, e] = await Promise.all([this.scheduler.nextAt(), this.store.nextEffectAt()]);
      const next = Math.min(t ?? Number.POSITIVE_INFINITY, e ?? Number.POSITIVE_INFINITY);
      if (next > until) break;
      clock.set(Math.max(next, this.clock.now()));
    }
    clock.set(until);
    await this.tick();
  }

  async deadLetters(tenant: string): Promise<OutboxEntry[]> {
    return this.store.deadLetters(tenant);
  }

  /** Puts a dead-lettered effect back in line; it is delivered at most once more (same key). */
  async retryDeadLetter(tenant: string, key: string): Promise<boolean> {
    return this.dispatcher.retryDead(tenant, key, this.clock.now());
  }

  /**
   * Delivers one outbox effect by key now, if it is pending and due (a queue worker's job per
   * effect); failures are settled with the same backoff and dead-lettering as `tick()`.
   */
  async deliverEffect(tenant: string, key: string): Promise<EffectDelivery> {
    return this.dispatcher.deliverOne(tenant, key, this.clock.now());
  }

  async member(tenant: string, id: string): Promise<MemberState | undefined> {
    return this.store.loadMember(tenant, id);
  }

  /**
   * Compiles a tenant's published versions from the store unless this process has them: what a
   * worker joining a running deployment needs, without `recover`'s walk over every member.
   */
  /**
   * Brings this process up to date with the versions published in the Store (by an API process or
   * another worker): compiles the ones it has not seen, the newest becoming current. Cheap to call
   * before every job: the Store is asked at most once per `LOAD_REFRESH_MS` per tenant.
   */
  async load(tenant: string): Promise<void> {
    await this.loadPublished(tenant, true);
  }

  private async loadPublished(tenant: string, refresh = false): Promise<TenantPlaybooks> {
    const t = this.playbooks(tenant);
    const now = performance.now();
    const last = this.refreshedAt.get(tenant);
    if (t.current === undefined || (refresh && (last === undefined || now - last >= LOAD_REFRESH_MS))) {
      this.refreshedAt.set(tenant, now);
      const versions = [...(await this.store.listPublished(tenant))].sort(
        (a, b) => a.publishedAt - b.publishedAt,
      );
      for (const v of versions) {
        if (t.version(v.version) !== undefined) continue;
        t.add(this.compile(v.playbook as ResolvedPlaybook, { version: v.version, params: v.params }));
      }
    }
    return t;
  }

  /**
   * After a restart: recompiles the published versions and re-arms the timers of waiting runs and
   * mechanics' member timers (both are in the committed state; this also covers a crash between a
   * member commit and setting its timer) and the tenant's schedules.
   */
  async recover(tenant: string): Promise<number> {
    const t = await this.loadPublished(tenant);
    const current = t.current;
    if (current === undefined) return 0;
    await this.armTenantTimers(tenant, current);
    let armed = 0;
    for await (const id of this.store.memberIds(tenant)) armed += await this.rearmMember(tenant, id);
    return armed;
  }

  /**
   * Sets again the timers one member's committed state is waiting on (waits and mechanics'
   * timers); returns how many. For a worker that retries an input after a crash: the commit may
   * have landed without its timers being set, and the retry is then a duplicate that sets none.
   */
  async rearmMember(tenant: string, id: string): Promise<number> {
    const state = await this.store.loadMember(tenant, id);
    const timers: Timer[] = [];
    for (const inst of state?.instances ?? []) {
      if (inst.wait?.until == null) continue;
      const key = timerKey(tenant, inst.wait.token);
      timers.push({
        key,
        tenant,
        member: id,
        at: inst.wait.until,
        kind: 'wait',
        name: inst.wait.token,
        data: null,
      });
    }
    for (const [name, t] of Object.entries(state?.mechanicTimers ?? {})) {
      timers.push({
        key: mechanicTimerKey(tenant, id, name),
        tenant,
        member: id,
        at: t.at,
        kind: 'mechanic',
        name,
        data: t.data,
      });
    }
    if (timers.length > 0) await this.scheduler.schedule(timers);
    return timers.length;
  }
}
