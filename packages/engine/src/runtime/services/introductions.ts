import { compileExpression, isTruthy } from '@kith/playbook/browser';
import { INTRODUCE_INDEX, INTRODUCE_PICK, type Peer } from '../../kernel/steps/introduce.js';
import type { ServiceHandler } from '../../mechanics/types.js';

const INDEX = 'introductions.index';
const PAIRS = 'introductions.pairs';
const ANSWERS = 'introductions.answers';

/** Keeps members listed under their `by` attribute values (one bucket per distinct combination). */
export const indexMember: ServiceHandler = async (req, env) => {
  const by = String(req.input.by);
  const from = String(req.input.from ?? '');
  const to = String(req.input.to ?? '');
  if (from !== '') {
    await env.store.updateShared<string[]>(req.tenant, INDEX, `${by}|${from}`, (cur) => {
      const list = cur ?? [];
      const i = list.indexOf(req.member);
      if (i >= 0) list.splice(i, 1);
      return list;
    });
  }
  if (to !== '') {
    await env.store.updateShared<string[]>(req.tenant, INDEX, `${by}|${to}`, (cur) => {
      const list = cur ?? [];
      if (!list.includes(req.member)) list.push(req.member);
      return list;
    });
  }
  return {};
};

/**
 * Picks peers who share the member's bucket, were never introduced to it, have not left, and
 * satisfy `among` (evaluated with the candidate as `member`). Records the pairs both ways.
 */
export const pickPeers: ServiceHandler = async (req, env) => {
  // a retried input asks again with the same token: give the same peers, record nothing twice
  if (req.token !== null) {
    const earlier = await env.store.readShared<Peer[]>(req.tenant, ANSWERS, req.token);
    if (earlier !== undefined) return { peers: earlier };
  }
  const by = (req.input.by as string[]).join(',');
  const count = Number(req.input.count ?? 1);
  const among = typeof req.input.among === 'string' ? compileExpression(req.input.among) : null;
  const bucket =
    (await env.store.readShared<string[]>(req.tenant, INDEX, `${by}|${String(req.input.key)}`)) ?? [];
  const known = new Set((await env.store.readShared<string[]>(req.tenant, PAIRS, req.member)) ?? []);
  const peers: Peer[] = [];
  for (const id of bucket) {
    if (peers.length >= count) break;
    if (id === req.member || known.has(id)) continue;
    const peer = await env.store.loadMember(req.tenant, id);
    if (peer === undefined || peer.leftAt !== null) continue;
    const scope = { member: peer.profile, params: env.playbook.params, now: env.now, event: null };
    if (among !== null && !isTruthy(among(scope))) continue;
    peers.push({ id, name: peer.profile.name, attributes: peer.profile.attributes, tags: peer.profile.tags });
  }
  for (const p of peers) {
    await env.store.updateShared<string[]>(req.tenant, PAIRS, req.member, (cur) => [...(cur ?? []), p.id]);
    await env.store.updateShared<string[]>(req.tenant, PAIRS, p.id, (cur) => [...(cur ?? []), req.member]);
  }
  if (req.token !== null) await env.store.updateShared<Peer[]>(req.tenant, ANSWERS, req.token, () => peers);
  return { peers };
};

export const INTRODUCTION_SERVICES: Readonly<Record<string, ServiceHandler>> = {
  [INTRODUCE_INDEX]: indexMember,
  [INTRODUCE_PICK]: pickPeers,
};
