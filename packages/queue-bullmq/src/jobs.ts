import type { BulkJobOptions } from 'bullmq';

export const EVENTS_QUEUE = 'kith-events';
export const EFFECTS_QUEUE = 'kith-effects';
export const DEFAULT_PREFIX = 'kith';

/** What a per-event job carries (queued by an older API): the inbox holds the payload. */
export interface EventJobData {
  tenant: string;
  id: string;
}

/** What a drain job carries: the tenant whose saved events it runs, a batch at a time. */
export interface DrainJobData {
  tenant: string;
}

/** What an effect job carries: the outbox holds the effect, its attempts and its status. */
export interface EffectJobData {
  tenant: string;
  key: string;
}

/**
 * Attempts for a job whose handler throws (the store or Redis unreachable, a bug): exponential
 * from 1 s with jitter, about 70 minutes in all. Delivery failures are not these: they are the
 * outbox's own attempts (see the effect worker).
 */
export const JOB_OPTIONS: BulkJobOptions = {
  attempts: 13,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: true,
};
