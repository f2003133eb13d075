import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { compilePlaybook } from '../compile/compile.js';
import type { CompiledPlaybook } from '../compile/types.js';
import { advance, type Input } from '../kernel/advance.js';
import { DEFAULT_KERNEL_OPTIONS, type Kernel, type KernelOptions } from '../kernel/context.js';
import { mechanicTimerKey } from '../kernel/mechanics-bridge.js';
import type { Outcome, Timer } from '../kernel/outcome.js';
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
import type { Scheduler } from '../ports/scheduler.js';
import type { Store } from '../ports/store.js';
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

/** How often `load` asks the Store for versions published by other processes. */
const LOAD_REFRESH_MS = 2000;

/** Commit retries on a compare-and-set conflict before giving up (another worker keeps winning). */
const MAX_CONFLICTS = 16;

function merge(into: Outcome, more: Outcome): void {
  into.effects.push(...more.effects);
  into.timers.push(...more.timers);
  into.cancels.push(...more.cancels);
  into.events.push(...more.events);
  into.forward.push(...more.forward);
  into.requests.push(...more.requests);
  into.finished.push(...more.finished);
  into.trace.push(...more.trace);
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
  private readonly locks = new KeyedMutex();
  private readonly services: Map<string, ServiceHandler>;
  private readonly dispatcher: Dispatcher;
  private readonly forwarded: KithEvent[] = [];
  private readonly observer: RuntimeOptions['observer'];
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
    const event: KithEvent = {
      tenant: input.tenant,
      id: input.id,
      type: input.type,
      member: input.member ?? null,
      at: input.at ?? this.clock.now(),
      data: input.data ?? {},
    };
    const status = await this.ingestEvent(event);
    await this.drain();
    return status;
  }

  private async ingestEvent(event: KithEvent): Promise<IngestStatus> {
    if (event.member !== null) {
      const prepared = await this.prepare(event);
      if (prepared === null) return 'duplicate';
      const input: Input = { kind: 'event', event: prepared };
      return this.process(event.tenant, event.member, input, event.id, this.clock.now());
    }
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
      if (e.member !== '*') emit(e.member);
      else for await (const id of this.store.memberIds(tenant)) emit(id);
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
    return handler(req, this.serviceEnv(tenant, pb, `svc:${req.service}:${req.member}:${req.token ?? ''}`));
  }

  /** What a service or `prepare` works with; events it forwards get ids `${idPrefix}:${n}`. */
  private serviceEnv(tenant: string, pb: CompiledPlaybook, idPrefix: string): ServiceEnv {
    let n = 0;
    return {
      store: this.store,
      playbook: pb,
      now: this.clock.now(),
      forward: (e: MechanicEvent & { member: string | null }) => {
        this.forwarded.push({
          tenant,
          id: `${idPrefix}:${n++}`,
          type: e.type,
          member: e.member,
          at: this.clock.now(),
          data: e.data ?? {},
        });
      },
    };
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
      const env = this.serviceEnv(event.tenant, pb, `prep:${m.name}:${event.id}`);
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
    return this.locks.run(`${tenant}\u0000${member}`, async () => {
      for (let attempt = 0; ; attempt++) {
        if (eventId !== null && (await this.store.hasEvent(tenant, eventId))) return 'duplicate';
        const loaded = await this.store.loadMember(tenant, member);
        const state: MemberState = loaded ?? newMemberState(tenant, member);
        const expectedRev = state.rev;
        const out = advance(kernel, state, input, now);
        for (let i = 0; i < out.requests.length; i++) {
          const req = out.requests[i]!;
          const output = await this.call(req, tenant);
          if (req.token !== null)
            merge(out, advance(kernel, state, { kind: 'reply', token: req.token, output }, now));
        }
        if (out.requests.length > 0) reconcileTimers(tenant, state, out);
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
        for (const e of out.forward) this.forwarded.push(e);
        this.observer?.(tenant, member, out);
        return 'processed';
      }
    });
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
        await this.ingestEvent(e);
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
      await this.process(timer.tenant, timer.member, { kind: 'timer', timer }, null, this.clock.now());
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
      for await (const id of this.store.memberIds(timer.tenant)) {
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
