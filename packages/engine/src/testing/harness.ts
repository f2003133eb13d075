import { type ResolvedPlaybook, validatePlaybookText } from '@kith/playbook/browser';
import { MemoryEffects } from '../adapters/memory-effects.js';
import { MemoryScheduler } from '../adapters/memory-scheduler.js';
import { MemoryStore } from '../adapters/memory-store.js';
import { VirtualClock } from '../adapters/virtual-clock.js';
import type { KernelOptions } from '../kernel/context.js';
import type { Mechanic } from '../mechanics/types.js';
import type { MemberState } from '../model/member.js';
import type { RetryPolicy } from '../runtime/backoff.js';
import { type IngestStatus, type PublishReport, Runtime, type RuntimeOptions } from '../runtime/runtime.js';
import { durationMs } from '../time/duration.js';

export interface TestKitOptions {
  /** Virtual start time (default 2026-01-05T00:00:00Z, a Monday). */
  start?: number | string;
  tenant?: string;
  version?: string;
  mechanics?: readonly Mechanic[];
  retry?: Partial<RetryPolicy>;
  kernel?: Partial<KernelOptions>;
  store?: MemoryStore;
  /** Parameter values for a resolved playbook (text sources carry their own). */
  params?: Record<string, unknown>;
  /** Sees every committed outcome (emitted events, trace), as `RuntimeOptions.observer`. */
  observer?: RuntimeOptions['observer'];
  /** Give the Runtime the store's and scheduler's synchronous side, as a simulation does. */
  immediate?: boolean;
}

/** Validates playbook YAML with @kith/playbook; throws with every diagnostic if it is not valid. */
export function loadPlaybook(
  yamlText: string,
  file = 'playbook.yaml',
): { playbook: ResolvedPlaybook; params: Record<string, unknown> } {
  const result = validatePlaybookText(yamlText, file);
  if (result.playbook === undefined) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    throw new Error(
      `invalid playbook:\n${errors.map((d) => `  ${d.line}:${d.column} ${d.code}: ${d.message}`).join('\n')}`,
    );
  }
  return { playbook: result.playbook, params: result.params };
}

function toTime(t: number | string): number {
  return typeof t === 'number' ? t : new Date(t).getTime();
}

/**
 * A runtime on in-memory adapters and a virtual clock, with helpers to send events at virtual
 * times and read the effects that came out: what engine tests and `kith test` are built on.
 *
 * @example
 * const kit = await createTestKit(yaml);
 * await kit.event('member.joined', 'ann', { name: 'Ann' });
 * await kit.wait('1d');
 * kit.texts('ann'); // ['Welcome Ann', ...]
 */
export async function createTestKit(source: string | ResolvedPlaybook, options: TestKitOptions = {}) {
  const clock = new VirtualClock(toTime(options.start ?? '2026-01-05T00:00:00Z'));
  const store = options.store ?? new MemoryStore();
  const scheduler = new MemoryScheduler();
  const effects = new MemoryEffects(clock);
  const tenant = options.tenant ?? 'test';
  const runtime = new Runtime({
    store,
    scheduler,
    clock,
    effects,
    mechanics: options.mechanics ?? [],
    retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 4, ...options.retry },
    kernel: { trace: true, ...options.kernel },
    observer: options.observer,
    immediate: options.immediate === true ? { members: store, timers: scheduler } : undefined,
  });
  const loaded =
    typeof source === 'string' ? loadPlaybook(source) : { playbook: source, params: options.params ?? {} };
  await runtime.publish(tenant, loaded.playbook, { version: options.version ?? '1', params: loaded.params });
  let seq = 0;

  const kit = {
    runtime,
    clock,
    store,
    scheduler,
    effects,
    tenant,
    /** Runs everything due up to `at` (ISO time or epoch ms). */
    async until(at: number | string): Promise<void> {
      await runtime.runUntil(toTime(at), clock);
    },
    /** Lets virtual time pass (`'1d'`, `'90m'`, or milliseconds). */
    async wait(d: string | number): Promise<void> {
      await runtime.runUntil(clock.now() + (typeof d === 'number' ? d : durationMs(d)), clock);
    },
    /** Sends an event now (or at `at`, running everything due before it first) and delivers what is due. */
    async event(
      type: string,
      member: string | null,
      data: Record<string, unknown> = {},
      opts: { id?: string; at?: number | string } = {},
    ): Promise<IngestStatus> {
      if (opts.at !== undefined) await runtime.runUntil(toTime(opts.at), clock);
      const status = await runtime.ingest({ tenant, id: opts.id ?? `e${++seq}`, type, member, data });
      await runtime.tick();
      return status;
    },
    async publish(source2: string | ResolvedPlaybook, version: string): Promise<PublishReport> {
      const l = typeof source2 === 'string' ? loadPlaybook(source2) : { playbook: source2, params: {} };
      const report = await runtime.publish(tenant, l.playbook, { version, params: l.params });
      await runtime.tick();
      return report;
    },
    async member(id: string): Promise<MemberState> {
      const m = await runtime.member(tenant, id);
      if (m === undefined) throw new Error(`no member '${id}'`);
      return m;
    },
    /** Texts of delivered messages, in delivery order. */
    texts(member?: string): string[] {
      return effects.messages(member).map((m) => m.text);
    },
    finished(member?: string) {
      return (store.finished.get(tenant) ?? []).filter(
        (i) => member === undefined || i.id.startsWith(`${member}:`),
      );
    },
  };
  return kit;
}

export type TestKit = Awaited<ReturnType<typeof createTestKit>>;
