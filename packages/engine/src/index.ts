/**
 * @kith/engine — the Kith runtime core: compile a playbook once, advance member journeys with a
 * pure function, and run them through ports (Store, Scheduler, Clock, Effects) with in-memory
 * adapters and a virtual clock for tests and simulation.
 */
export { type Attempt, MemoryEffects } from './adapters/memory-effects.js';
export { MemoryScheduler } from './adapters/memory-scheduler.js';
export { MemoryStore, type MemoryStoreOptions } from './adapters/memory-store.js';
export { VirtualClock } from './adapters/virtual-clock.js';
export * from './analytics/index.js';
export { type CompileOptions, compilePlaybook } from './compile/compile.js';
export { PlaybookCompileError } from './compile/problems.js';
export {
  CONTINUE,
  type CompiledDelivery,
  type CompiledJourney,
  type CompiledOffer,
  type CompiledPlaybook,
  type CompiledPool,
  type CompiledStage,
  type CompiledStep,
  type CompiledStepOf,
  type CompiledTier,
  type CompiledTrigger,
  type Control,
  PARK,
  type Render,
  STOP,
} from './compile/types.js';
export { advance, type Input } from './kernel/advance.js';
export { applyChange, type MemberChange } from './kernel/changes.js';
export { DEFAULT_KERNEL_OPTIONS, type Kernel, type KernelOptions } from './kernel/context.js';
export { deliveryTime } from './kernel/delivery.js';
export { type MigrationMove, planMove } from './kernel/migrate.js';
export type { Outcome, ServiceRequest, Timer, TraceEntry } from './kernel/outcome.js';
export { Run, type RunScope, type StepRun, type Wake } from './kernel/run.js';
export { pickVariant } from './kernel/steps/branch.js';
export type { GroupAssignment } from './kernel/steps/group.js';
export { tierPrice } from './kernel/steps/offer.js';
export { type SendOutput, sendMessage } from './kernel/steps/send.js';
export { waitToken } from './kernel/steps/wait.js';
export * from './mechanics/campaigns/index.js';
export { DEFAULT_MECHANICS } from './mechanics/index.js';
export * from './mechanics/ledger/index.js';
export * from './mechanics/referrals/index.js';
export {
  type CommunityContext,
  type CommunityOutput,
  defineMechanic,
  type Mechanic,
  type MechanicContext,
  type MechanicEffect,
  type MechanicEvent,
  type MechanicOutput,
  type MechanicSchedule,
  type ServiceEnv,
  type ServiceHandler,
  type StepInfo,
  type StepOverride,
} from './mechanics/types.js';
export * from './model/effect.js';
export { EVENTS, type EventInput, type EventView, eventView, type KithEvent } from './model/event.js';
export type { InstanceStatus, JourneyInstance, StepRecord, WaitState } from './model/instance.js';
export {
  type EntryRecord,
  type InboxItem,
  type MemberProfile,
  type MemberState,
  newMemberState,
  type Order,
  type OrderStatus,
} from './model/member.js';
export { type Clock, systemClock } from './ports/clock.js';
export type { DeliveryResult, Effects } from './ports/effects.js';
export type { ImmediateTimers, Scheduler } from './ports/scheduler.js';
export type {
  CommitResult,
  ImmediateMembers,
  MemberCommit,
  PublishedVersion,
  SettleUpdate,
  Store,
} from './ports/store.js';
export { backoffMs, DEFAULT_RETRY, type RetryPolicy } from './runtime/backoff.js';
export type { MigrationPreview } from './runtime/migration.js';
export type { DispatchReport } from './runtime/outbox.js';
export {
  type IngestStatus,
  type PublishOptions,
  type PublishReport,
  Runtime,
  type RuntimeOptions,
  type TickReport,
} from './runtime/runtime.js';
export * from './simulate/index.js';
export { nextCronRun } from './time/cron.js';
export { durationMs } from './time/duration.js';
export { fromWall, minuteOfDay, nextLocalTime, zoneOffset } from './time/zone.js';
export { hash32, unitHash } from './util/hash.js';
