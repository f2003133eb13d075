/**
 * Coalesces concurrent calls of one kind into one statement: a call made while `maxInFlight`
 * batches are already running waits and goes with the others made meanwhile. Alone, a call goes
 * at the next turn of the event loop (calls made in the same turn go together); under load the
 * batches grow by themselves, so a worker running many members at once pays a round trip per
 * batch instead of one per member.
 */
/** A batch's answer for one call that failed while the others did not (see `Coalescer`). */
export class Failed {
  constructor(readonly error: unknown) {}
}

export class Coalescer<K, R> {
  private waiting: { key: K; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    /** Runs one batch; answers in the order of `keys` (a `Failed` answer rejects that call alone). */
    private readonly run: (keys: K[]) => Promise<(R | Failed)[]>,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
  ) {}

  call(key: K): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.scheduled && this.inFlight < this.maxInFlight) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      this.run(batch.map((b) => b.key))
        .then(
          (results) => {
            for (let i = 0; i < batch.length; i++) {
              const r = results[i];
              if (r instanceof Failed) batch[i]!.reject(r.error);
              else batch[i]!.resolve(r as R);
            }
          },
          (error: unknown) => {
            for (const b of batch) b.reject(error);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}

/**
 * Splits items so that no part holds two with the same key (the first of each key in the first
 * part, and so on): a multi-row UPDATE must not see one row twice.
 */
export function distinctParts<T>(items: readonly T[], key: (t: T) => string): T[][] {
  const parts: T[][] = [];
  const seen: Set<string>[] = [];
  for (const item of items) {
    const k = key(item);
    let i = 0;
    while (seen[i]?.has(k)) i++;
    if (parts[i] === undefined) {
      parts[i] = [];
      seen[i] = new Set();
    }
    parts[i]!.push(item);
    seen[i]!.add(k);
  }
  return parts;
}
