export { RedisRateLimiterStore, type RedisRateLimiterStoreOptions } from './rate-limiter-store.js';
export {
  BullScheduler,
  type BullSchedulerOptions,
  currentJobsKey,
  DEFAULT_QUEUE_NAME,
  timerJobId,
  timerSlot,
} from './scheduler.js';
export { TimerWorker, type TimerWorkerOptions } from './worker.js';
