import type { Runtime, TickReport } from '@kith/engine';

/**
 * The in-memory mode's driver (tests, throwaway runs): ticks the runtime every `pollMs` and at
 * once when woken. The embedded and distributed modes use store-sql's and BullMQ's loops.
 */
export class MemoryLoop {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly pollMs: number,
    private readonly onTick: (r: TickReport) => void,
    private readonly onError: (e: unknown) => void,
  ) {
    this.schedule();
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Runs a tick after the one in progress; resolves when it is done. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the loop is stopped'));
    this.current = this.current.then(async () => {
      try {
        this.onTick(await this.runtime.tick());
      } catch (e) {
        this.onError(e);
      }
    });
    return this.current;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.wake()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.pollMs);
    this.timer.unref();
  }
}
