export { type EffectStats, enqueueEffects } from './effects.js';
export {
  createEventQueue,
  type EventQueue,
  type EventQueueOptions,
  type EventStats,
  type IngestResult,
} from './events.js';
export { type FairJob, FairQueue, jobIdOf, MAX_PRIORITY } from './fair.js';
export {
  type EventInbox,
  type InboundClaim,
  type InboundEvent,
  type InboundRef,
  MemoryEventInbox,
} from './inbox.js';
export {
  DEFAULT_PREFIX,
  type DrainJobData,
  EFFECTS_QUEUE,
  type EffectJobData,
  EVENTS_QUEUE,
  type EventJobData,
} from './jobs.js';
export { consoleLog, type LogLevel, type WorkerLog } from './log.js';
export { RedisRateLimiterStore, type RedisRateLimiterStoreOptions } from './rate-limiter-store.js';
export { checkRedisSettings, type RedisConnection, type SettingsReport } from './redis.js';
export { OutboxRelay, type RelayOptions, type RelayStats, type RelayStore } from './relay.js';
export {
  BullScheduler,
  type BullSchedulerOptions,
  currentJobsKey,
  DEFAULT_QUEUE_NAME,
  timerJobId,
  timerSlot,
} from './scheduler.js';
export { type TimerJobInfo, TimerWorker, type TimerWorkerOptions } from './worker.js';
export {
  type StartWorkersOptions,
  startWorkers,
  type WorkerConcurrency,
  type WorkerStats,
  type Workers,
} from './workers.js';
