import { type CompiledExpression, compileExpression, isTruthy } from '@kith/playbook/browser';
import { INTRODUCE_INDEX, INTRODUCE_PICK, type Peer } from '../../kernel/steps/introduce.js';
import { waitToken } from '../../kernel/steps/wait.js';
import type { ServiceHandler } from '../../mechanics/types.js';
import type { JourneyInstance } from '../../model/instance.js';
import { hash32 } from '../../util/hash.js';

const INDEX = 'introductions.index';
const PAIRS = 'introductions.pairs';
/** Shared records: a pick's token → the peers it was given. */
export const INTRODUCTION_ANSWERS = 'introductions.answers';

/**
 * One bucket: the members sharing a tuple of attribute values, in a list for picking by position
 * (a pick never copies the bucket). Records written by earlier versions also carry `at` (member →
 * position): it is not read, and goes at the bucket's next write.
 */
interface Bucket {
  ids: string[];
  at?: Record<string, number>;
}

const NO_IDS: readonly string[] = Object.freeze([]);

/** Spreads FNV-1a's bits (close ids differ only in their last characters) over the low ones. */
function slotHash(id: string): number {
  let h = hash32(id);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * A bucket's position index (member → position in `ids`) for O(1) removal: swap with the last.
 * An open-addressing table of positions in a typed array (linear probing, at most half full)
 * rather than a property or Map entry per member: 8 to 16 bytes a member instead of ~50, in a
 * bucket that may hold a quarter of a million members. Beside the record, not in it: it is
 * rebuilt from `ids` when missing (a record read anew from a database).
 */
class Positions {
  /** Position + 1 per slot; 0 is a free slot. */
  private slots: Int32Array;
  private size = 0;

  constructor(private readonly ids: string[]) {
    let capacity = 8;
    while (capacity < ids.length * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    for (let i = 0; i < ids.length; i++) this.place(ids[i]!, i);
  }

  /** The slot holding `id`, or -1. */
  private slotOf(id: string): number {
    const mask = this.slots.length - 1;
    for (let k = slotHash(id) & mask; ; k = (k + 1) & mask) {
      const v = this.slots[k]!;
      if (v === 0) return -1;
      if (this.ids[v - 1] === id) return k;
    }
  }

  private place(id: string, position: number): void {
    const mask = this.slots.length - 1;
    let k = slotHash(id) & mask;
    while (this.slots[k] !== 0) k = (k + 1) & mask;
    this.slots[k] = position + 1;
    this.size++;
  }

  has(id: string): boolean {
    return this.slotOf(id) >= 0;
  }

  /** Appends `id` (not in the bucket yet) to the bucket. */
  add(id: string): void {
    if ((this.size + 1) * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      this.size = 0;
      for (let i = 0; i < this.ids.length; i++) this.place(this.ids[i]!, i);
    }
    this.ids.push(id);
    this.place(id, this.ids.length - 1);
  }

  /** Takes `id` out of the bucket if it is there: the last member takes its place. */
  remove(id: string): void {
    const k = this.slotOf(id);
    if (k < 0) return;
    const ids = this.ids;
    const i = this.slots[k]! - 1;
    const lastAt = ids.length - 1;
    if (i !== lastAt) {
      const last = ids[lastAt]!;
      this.slots[this.slotOf(last)] = i + 1;
      ids[i] = last;
    }
    ids.pop();
    this.free(k);
  }

  /** Frees slot `k`, moving later members of its run back so that every probe still finds them. */
  private free(k: number): void {
    const mask = this.slots.length - 1;
    let hole = k;
    this.slots[hole] = 0;
    this.size--;
    for (let j = (hole + 1) & mask; this.slots[j] !== 0; j = (j + 1) & mask) {
      const home = slotHash(this.ids[this.slots[j]! - 1]!) & mask;
      // stays if its home lies cyclically within (hole, j]
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      this.slots[hole] = this.slots[j]!;
      this.slots[j] = 0;
      hole = j;
    }
  }
}

const positions = new WeakMap<Bucket, Positions>();

function positionsOf(bucket: Bucket): Positions {
  let p = positions.get(bucket);
  if (p === undefined) {
    p = new Positions(bucket.ids);
    positions.set(bucket, p);
  }
  return p;
}

/** The bucket to write: a fresh one, or `cur` without the `at` earlier versions kept. */
function writable(cur: Bucket | undefined): Bucket {
  if (cur === undefined) return { ids: [] };
  if (cur.at === undefined) return cur;
  const bucket: Bucket = { ids: cur.ids };
  const p = positions.get(cur);
  if (p !== undefined) positions.set(bucket, p);
  return bucket;
}

/**
 * Keeps members listed under their `by` attribute values, one bucket per distinct tuple: a pick
 * reads only the bucket of the member's own tuple, never the whole community. Buckets are sets,
 * so moving a member between buckets costs the same however large they are.
 */
export const indexMember: ServiceHandler = async (req, env) => {
  const by = String(req.input.by);
  const from = String(req.input.from ?? '');
  const to = String(req.input.to ?? '');
  if (from !== '') {
    await env.store.updateShared<Bucket>(req.tenant, INDEX, `${by}|${from}`, (cur) => {
      const bucket = writable(cur);
      positionsOf(bucket).remove(req.member);
      return bucket;
    });
  }
  if (to !== '') {
    await env.store.updateShared<Bucket>(req.tenant, INDEX, `${by}|${to}`, (cur) => {
      const bucket = writable(cur);
      const at = positionsOf(bucket);
      if (!at.has(req.member)) at.add(req.member);
      return bucket;
    });
  }
  return {};
};

/** The pair's record key: the same for (a, b) and (b, a). */
function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

const compiled = new Map<string, CompiledExpression>();

function amongExpr(source: unknown): CompiledExpression | null {
  if (typeof source !== 'string') return null;
  let e = compiled.get(source);
  if (e === undefined) {
    e = compileExpression(source);
    compiled.set(source, e);
  }
  return e;
}

/**
 * Picks peers who share the member's bucket, were never introduced to it (either way round),
 * have not left, and satisfy `among` (evaluated with the candidate as `member`). Each pair is
 * claimed atomically in its own record, so two members picking each other at the same moment
 * are introduced once. The scan starts at a point hashed from the member, so introductions
 * spread over the bucket instead of always falling on its first members.
 */
export const pickPeers: ServiceHandler = async (req, env) => {
  // a retried input asks again with the same token: give the same peers, record nothing twice
  const token = req.token ?? `${req.member}:${env.now}`;
  const earlier = await env.store.readShared<Peer[]>(req.tenant, INTRODUCTION_ANSWERS, token);
  if (earlier !== undefined) return { peers: earlier };
  const by = (req.input.by as string[]).join(',');
  const count = Number(req.input.count ?? 1);
  const among = amongExpr(req.input.among);
  const bucket =
    (await env.store.readShared<Bucket>(req.tenant, INDEX, `${by}|${String(req.input.key)}`))?.ids ?? NO_IDS;
  const start = bucket.length === 0 ? 0 : hash32(`${req.member}\u0000${token}`) % bucket.length;
  const picked: { at: number; peer: Peer }[] = [];
  for (let k = 0; k < bucket.length && picked.length < count; k++) {
    const at = (start + k) % bucket.length;
    const id = bucket[at]!;
    if (id === req.member) continue;
    const key = pairKey(req.member, id);
    const claim = await env.store.readShared<string>(req.tenant, PAIRS, key);
    if (claim !== undefined && claim !== token) continue;
    const peer = await env.store.loadMember(req.tenant, id);
    if (peer === undefined || peer.leftAt !== null) continue;
    const scope = { member: peer.profile, params: env.playbook.params, now: env.now, event: null };
    if (among !== null && !isTruthy(among(scope))) continue;
    const won = await env.store.updateShared<string>(req.tenant, PAIRS, key, (cur) => cur ?? token);
    if (won !== token) continue;
    const p = peer.profile;
    picked.push({ at, peer: { id, name: p.name, attributes: p.attributes, tags: p.tags } });
  }
  // in bucket order, whatever the starting point
  const peers = picked.sort((a, b) => a.at - b.at).map((x) => x.peer);
  await env.store.updateShared<Peer[]>(req.tenant, INTRODUCTION_ANSWERS, token, () => peers);
  return { peers };
};

/**
 * The answer keys a finished run may have left: one per `introduce` step it ran. A token is asked
 * again only by a retried input of a run still going — a run replays a logged step instead of
 * asking again — so once a run's end is committed, nothing reads its answers again; a store that
 * sees that commit may drop them.
 */
export function answerKeys(run: JourneyInstance): string[] {
  const keys: string[] = [];
  // only an `introduce` step asks, and it logs `{ peers }`: other steps need no key built
  for (const r of run.log) if (isIntroduction(r.output)) keys.push(waitToken(run.id, r.step));
  return keys;
}

function isIntroduction(output: unknown): boolean {
  return (
    typeof output === 'object' && output !== null && Array.isArray((output as { peers?: unknown }).peers)
  );
}

export const INTRODUCTION_SERVICES: Readonly<Record<string, ServiceHandler>> = {
  [INTRODUCE_INDEX]: indexMember,
  [INTRODUCE_PICK]: pickPeers,
};
