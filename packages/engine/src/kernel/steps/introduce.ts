import type { CompiledStepOf, Render, SendSpec } from '../../compile/types.js';
import { CONTINUE, type Control, PARK } from '../../compile/types.js';
import { EVENTS, type KithEvent } from '../../model/event.js';
import type { Run } from '../run.js';
import { sendMessage } from './send.js';
import { waitToken } from './wait.js';

export const INTRODUCE_PICK = 'introductions.pick';
export const INTRODUCE_INDEX = 'introductions.index';

/** A member as the other side of an introduction sees it (`peer` in the message). */
export interface Peer {
  id: string;
  name: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
}

/** The index key of a member under an attribute list; null when an attribute is missing. */
export function introductionKey(
  by: readonly string[],
  attributes: Readonly<Record<string, unknown>>,
): string | null {
  let node = keyRoot(by);
  for (const a of by) {
    const v = attributes[a];
    if (v === undefined || v === null || v === '') return null;
    if (node === null || typeof v === 'object') return buildKey(by, attributes);
    let next = node.next.get(v);
    if (next === undefined) {
      if (cachedKeys >= MAX_CACHED_KEYS) return buildKey(by, attributes);
      next = { key: `${node.key}${a}=${JSON.stringify(v)};`, next: new Map() };
      node.next.set(v, next);
      cachedKeys++;
    }
    node = next;
  }
  return node === null ? buildKey(by, attributes) : node.key;
}

function buildKey(by: readonly string[], attributes: Readonly<Record<string, unknown>>): string | null {
  let key = '';
  for (const a of by) {
    const v = attributes[a];
    if (v === undefined || v === null || v === '') return null;
    key += `${a}=${JSON.stringify(v)};`;
  }
  return key;
}

/**
 * Keys already built, as a trie over the attribute values (primitives only): reevaluation asks for
 * a member's key after every change, and members of one bucket then share one string instead of
 * each building (and keeping, in its marks) its own. Bounded, so that attributes unique per
 * member (an email) cannot grow it without end.
 */
interface KeyNode {
  key: string;
  next: Map<unknown, KeyNode>;
}
const keyRoots = new WeakMap<readonly string[], KeyNode>();
const MAX_CACHED_KEYS = 100_000;
let cachedKeys = 0;

function keyRoot(by: readonly string[]): KeyNode | null {
  let root = keyRoots.get(by);
  if (root === undefined) {
    if (cachedKeys >= MAX_CACHED_KEYS) return null;
    root = { key: '', next: new Map() };
    keyRoots.set(by, root);
    cachedKeys++;
  }
  return root;
}

function spec(channel: string): SendSpec {
  return {
    channel,
    to: 'member',
    text: null,
    subject: null,
    html: null,
    image: null,
    buttons: [],
    critical: false,
  };
}

const DEFAULT_TEXT: Render = (s) => `Meet ${(s.peer as Peer).name ?? (s.peer as Peer).id}`;

/**
 * Introduces the member to peers sharing every `by` attribute, never the same pair twice. The
 * peers live in other members' state, so the introductions service picks them; each peer is told
 * too, by an `introduction.made` event that carries this member as its `peer`.
 */
export function execIntroduce(step: CompiledStepOf<'introduce'>, run: Run): Control {
  const inst = run.instance!;
  const wake = run.wake;
  if (inst.wait === null || inst.wait.step !== step.id || wake?.kind !== 'reply') {
    if (inst.wait?.step === step.id) return PARK;
    const key = introductionKey(step.by, run.profile.attributes);
    if (key === null) {
      run.output = { peers: [] };
      return CONTINUE;
    }
    const token = waitToken(inst.id, step.id);
    inst.wait = { step: step.id, token, since: run.now, until: null, event: null };
    inst.status = 'calling';
    run.request(INTRODUCE_PICK, { by: step.by, key, count: step.count, among: step.among }, token);
    return PARK;
  }
  inst.wait = null;
  inst.status = 'active';
  const peers = ((wake.output as { peers?: Peer[] }).peers ?? []).slice(0, step.count);
  const p = run.profile;
  for (const peer of peers) {
    run.scope.peer = peer;
    sendMessage(run, spec(step.channel), step.text ?? DEFAULT_TEXT);
    run.emit(
      EVENTS.introduced,
      {
        peer: p.id,
        name: p.name,
        attributes: p.attributes,
        tags: p.tags,
        by: step.by,
        // where the peer's own message comes from: the same step's text, seen from its side
        version: run.playbook.version,
        journey: inst.journey,
        step: step.id,
      },
      peer.id,
    );
  }
  run.scope.peer = null;
  run.output = { peers: peers.map((x) => x.id) };
  return CONTINUE;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * The peer's side of an introduction: the introducing step's text, rendered for this member with
 * the introducer as `peer`, under this member's delivery policy (zone, quiet hours, caps).
 */
export function notifyIntroduced(run: Run, e: KithEvent): void {
  const d = e.data;
  const peerId = str(d.peer);
  const version = str(d.version);
  const journey = str(d.journey);
  const stepId = str(d.step);
  if (peerId === null || version === null || journey === null || stepId === null) return;
  if (run.state.leftAt !== null) return;
  const j = run.kernel.version(version)?.journeys.get(journey);
  const pos = j?.positions.get(stepId);
  const step = pos === undefined ? undefined : j?.steps[pos];
  if (step?.kind !== 'introduce') return;
  const attributes = d.attributes;
  const peer: Peer = {
    id: peerId,
    name: str(d.name),
    attributes:
      attributes !== null && typeof attributes === 'object' ? (attributes as Record<string, unknown>) : {},
    tags: Array.isArray(d.tags) ? d.tags.filter((t): t is string => typeof t === 'string') : [],
  };
  run.scope.peer = peer;
  sendMessage(run, spec(step.channel), step.text ?? DEFAULT_TEXT);
  run.scope.peer = null;
}
