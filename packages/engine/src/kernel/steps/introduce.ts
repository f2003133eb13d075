import type { CompiledStepOf } from '../../compile/types.js';
import { CONTINUE, type Control, PARK } from '../../compile/types.js';
import { EVENTS } from '../../model/event.js';
import type { Run } from '../run.js';
import { sendMessage } from './send.js';
import { waitToken } from './wait.js';

export const INTRODUCE_PICK = 'introductions.pick';
export const INTRODUCE_INDEX = 'introductions.index';

/** A peer as the introductions service returns it (the public part of a profile). */
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
  let key = '';
  for (const a of by) {
    const v = attributes[a];
    if (v === undefined || v === null || v === '') return null;
    key += `${a}=${JSON.stringify(v)};`;
  }
  return key;
}

/**
 * Introduces the member to peers sharing every `by` attribute, never the same pair twice. The
 * peers live in other members' state, so the introductions service picks them.
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
  for (const peer of peers) {
    run.scope.peer = peer;
    sendMessage(
      run,
      {
        channel: step.channel,
        to: 'member',
        text: null,
        subject: null,
        html: null,
        image: null,
        buttons: [],
        critical: false,
      },
      step.text ?? ((s) => `Meet ${(s.peer as Peer).name ?? (s.peer as Peer).id}`),
    );
    run.emit(EVENTS.introduced, { peer: run.state.id, name: run.profile.name, by: step.by }, peer.id);
  }
  run.scope.peer = null;
  run.output = { peers: peers.map((p) => p.id) };
  return CONTINUE;
}
