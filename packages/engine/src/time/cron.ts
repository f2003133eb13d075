import { Cron } from 'croner';

const jobs = new Map<string, Cron>();

/** The first run of a cron pattern strictly after `after` in a time zone, or undefined if none. */
export function nextCronRun(pattern: string, zone: string, after: number): number | undefined {
  const key = `${zone}\u0000${pattern}`;
  let job = jobs.get(key);
  if (job === undefined) {
    job = new Cron(pattern, { paused: true, timezone: zone });
    jobs.set(key, job);
  }
  const next = job.nextRun(new Date(after));
  return next === null ? undefined : next.getTime();
}
