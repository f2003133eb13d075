import { type CompiledExpression, compileExpression, isTruthy } from '@kith/playbook/browser';
import { INTRODUCE_INDEX, INTRODUCE_PICK, type Peer } from '../../kernel/steps/introduce.js';
import type { ServiceHandler } from '../../mechanics/types.js';
import { hash32 } from '../../util/hash.js';

const INDEX = 'introductions.index';
const PAIRS = 'introductions.pairs';
const ANSWERS = 'introductions.answers';

/**
 * One bucket: the members sharing a tuple of attribute values. A list for picking by position and
 * a position index for O(1) removal (swap with the last), so a pick never copies the bucket.
 */
interface Bucket {
  ids: string[];
  at: Record<string, number>;
}

function emptyBucket(): Bucket {
  return { ids: [], at: {} };
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
      const bucket = cur ?? emptyBucket();
      const i = bucket.at[req.member];
      if (i !== undefined) {
        const last = bucket.ids.pop()!;
        if (last !== req.member) {
          bucket.ids[i] = last;
          bucket.at[last] = i;
        }
        delete bucket.at[req.member];
      }
      return bucket;
    });
  }
  if (to !== '') {
    await env.store.updateShared<Bucket>(req.tenant, INDEX, `${by}|${to}`, (cur) => {
      const bucket = cur ?? emptyBucket();
      if (bucket.at[req.member] === undefined) {
        bucket.at[req.member] = bucket.ids.length;
        bucket.ids.push(req.member);
      }
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
  const earlier = await env.store.readShared<Peer[]>(req.tenant, ANSWERS, token);
  if (earlier !== undefined) return { peers: earlier };
  const by = (req.input.by as string[]).join(',');
  const count = Number(req.input.count ?? 1);
  const among = amongExpr(req.input.among);
  const bucket = (
    (await env.store.readShared<Bucket>(req.tenant, INDEX, `${by}|${String(req.input.key)}`)) ?? emptyBucket()
  ).ids;
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
  await env.store.updateShared<Peer[]>(req.tenant, ANSWERS, token, () => peers);
  return { peers };
};

export const INTRODUCTION_SERVICES: Readonly<Record<string, ServiceHandler>> = {
  [INTRODUCE_INDEX]: indexMember,
  [INTRODUCE_PICK]: pickPeers,
};
