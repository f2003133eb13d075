/**
 * Everything the simulation will do, in virtual-time order: a binary min-heap on (at, seq) kept in
 * typed arrays, so millions of pending items cost a few bytes each and no garbage. Items at the
 * same instant come out in the order they were added: that, with the seeded generator, is what
 * makes a run reproducible.
 */
export class Agenda {
  private at = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private kind = new Uint8Array(1024);
  private member = new Int32Array(1024);
  private data: unknown[] = new Array(1024);
  private heap = new Int32Array(1024);
  private free = new Int32Array(1024);
  private freeCount = 0;
  private slots = 0;
  private count = 0;
  private nextSeq = 0;

  /** The item `pop` took: read these before the next `pop`. */
  current = { at: 0, kind: 0, member: -1, data: null as unknown };

  get size(): number {
    return this.count;
  }

  /** When the next item is due, or +Infinity when there is none. */
  nextAt(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.at[this.heap[0]!]!;
  }

  push(at: number, kind: number, member: number, data: unknown = null): void {
    const slot = this.freeCount > 0 ? this.free[--this.freeCount]! : this.newSlot();
    this.at[slot] = at;
    this.seq[slot] = this.nextSeq++;
    this.kind[slot] = kind;
    this.member[slot] = member;
    this.data[slot] = data;
    if (this.count === this.heap.length) this.heap = grow(this.heap, this.heap.length * 2);
    this.up(this.count++, slot);
  }

  /** Takes the earliest item into `current`; false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const slot = this.heap[0]!;
    const c = this.current;
    c.at = this.at[slot]!;
    c.kind = this.kind[slot]!;
    c.member = this.member[slot]!;
    c.data = this.data[slot];
    this.data[slot] = null;
    if (this.freeCount === this.free.length) this.free = grow(this.free, this.free.length * 2);
    this.free[this.freeCount++] = slot;
    const last = this.heap[--this.count]!;
    if (this.count > 0) this.down(0, last);
    return true;
  }

  /** Visits every pending item (in no particular order), for end-of-run accounting. */
  forEach(fn: (at: number, kind: number, member: number, data: unknown) => void): void {
    for (let i = 0; i < this.count; i++) {
      const s = this.heap[i]!;
      fn(this.at[s]!, this.kind[s]!, this.member[s]!, this.data[s]);
    }
  }

  private newSlot(): number {
    const n = this.slots++;
    if (n === this.at.length) {
      const size = n * 2;
      this.at = grow(this.at, size);
      this.seq = grow(this.seq, size);
      this.kind = grow(this.kind, size);
      this.member = grow(this.member, size);
      this.data.length = size;
    }
    return n;
  }

  private before(x: number, y: number): boolean {
    const ax = this.at[x]!;
    const ay = this.at[y]!;
    return ax < ay || (ax === ay && this.seq[x]! < this.seq[y]!);
  }

  private up(i: number, slot: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!this.before(slot, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = slot;
  }

  private down(i: number, slot: number): void {
    const h = this.heap;
    const n = this.count;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(h[child + 1]!, h[child]!)) child++;
      if (!this.before(h[child]!, slot)) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = slot;
  }
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}
