import type { MemoryEffects } from '../adapters/memory-effects.js';
import { EFFECTS, type MessageData } from '../model/effect.js';
import type { SentMessage } from './types.js';

/** `alice:welcome:1` / `alice:welcome[key]:2` → `welcome`. */
function journeyOf(instance: string, member: string): string {
  return instance.slice(member.length + 1).replace(/(?:\[.*\])?:\d+$/, '');
}

/**
 * Messages delivered from position `from` of the delivery log on, in delivery order, each with the
 * member it was for: the recipient of a direct message, the referrer of a `to: referrer` one, the
 * member whose journey posted a group message; none for a community message (a ritual's).
 */
export function sentMessages(effects: MemoryEffects, from: number): SentMessage[] {
  const out: SentMessage[] = [];
  const delivered = effects.delivered;
  for (let i = from; i < delivered.length; i++) {
    const e = delivered[i]!;
    if (e.type !== EFFECTS.send) continue;
    const d = e.data as unknown as MessageData;
    const to =
      e.member === null
        ? null
        : d.to.kind === 'member'
          ? d.to.member
          : d.to.kind === 'referrer'
            ? d.to.referrer
            : e.member;
    const journey = e.instance !== null && e.member !== null ? journeyOf(e.instance, e.member) : null;
    out.push({
      to,
      kind: e.member === null ? 'community' : d.to.kind,
      via: e.target,
      step: journey !== null && e.step !== null ? `${journey}.${e.step}` : null,
      text: d.text,
      at: new Date(effects.deliveredAt(e.key)).toISOString(),
    });
  }
  return out;
}
