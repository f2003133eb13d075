import type { CompiledStepOf, Render, SendSpec } from '../../compile/types.js';
import { CONTINUE, type Control } from '../../compile/types.js';
import { EFFECTS, type MessageButton, type MessageData, type Recipient } from '../../model/effect.js';
import { ownList, unsubscribedTag } from '../../model/member.js';
import { deliveryTime, recordSend } from '../delivery.js';
import type { Run } from '../run.js';

export interface SendOutput {
  status: 'sent' | 'deferred' | 'skipped' | 'failed';
  /** When a deferred message goes out. */
  at: number | null;
  reason: string | null;
}

function recipient(run: Run, channel: string, to: SendSpec['to']): Recipient {
  const p = run.profile;
  if (to === 'member') return { kind: 'member', member: p.id, address: p.identities[channel] ?? null };
  if (to === 'referrer') return { kind: 'referrer', member: p.id, referrer: p.referrer };
  for (const pool of run.playbook.pools.values()) {
    const group = pool.channel === channel ? p.groups[pool.id] : undefined;
    if (group !== undefined) return { kind: 'group', member: p.id, pool: pool.id, group };
  }
  return { kind: 'group', member: p.id, pool: null, group: null };
}

const NO_BUTTONS: MessageButton[] = [];
const SENT: SendOutput = Object.freeze({ status: 'sent', at: null, reason: null });

function renderButtons(run: Run, buttons: SendSpec['buttons']): MessageButton[] {
  if (buttons.length === 0) return NO_BUTTONS;
  return buttons.map((b) => ({ text: b.text(run.scope), value: b.value, url: b.url }));
}

/**
 * Sends a message under the delivery policy: a direct message obeys quiet hours in the member's
 * zone and the per-member cap; a group or referrer message obeys quiet hours in the playbook's
 * zone (group caps are shared, so the dispatcher applies them). Critical messages bypass both.
 * A skipped message does not hold the member back.
 */
export function sendMessage(run: Run, spec: SendSpec, text: Render | null): SendOutput {
  let data: MessageData;
  try {
    data = {
      to: recipient(run, spec.channel, spec.to),
      text: run.render(text) ?? '',
      subject: run.render(spec.subject),
      html: run.render(spec.html),
      image: spec.image,
      buttons: renderButtons(run, spec.buttons),
      critical: spec.critical,
    };
  } catch (e) {
    return { status: 'failed', at: null, reason: e instanceof Error ? e.message : String(e) };
  }
  // nobody to send to: a group message before the member has a group, or no referrer
  if (
    (data.to.kind === 'group' && data.to.group === null) ||
    (data.to.kind === 'referrer' && data.to.referrer === null)
  ) {
    return { status: 'skipped', at: null, reason: data.to.kind === 'group' ? 'no-group' : 'no-referrer' };
  }
  // An opt-out is the law for marketing mail: only critical (transactional) messages still go.
  if (spec.to === 'member' && !spec.critical && run.profile.tags.includes(unsubscribedTag(spec.channel))) {
    return { status: 'skipped', at: null, reason: 'unsubscribed' };
  }
  const policy = run.playbook.delivery;
  let at = run.now;
  if (!spec.critical) {
    const direct = spec.to === 'member';
    const t = deliveryTime(
      policy,
      direct ? run.state.sendLog : null,
      direct ? run.zone() : run.playbook.timezone,
      run.now,
    );
    if (typeof t === 'string') return { status: 'skipped', at: null, reason: t };
    at = t;
    if (direct && policy.perMember !== null) {
      const log = ownList(run.state.sendLog);
      recordSend(policy, log, at);
      // an exact-size copy: the log is kept for the member's life, and push left room for 16 more
      run.state.sendLog = log.slice();
    }
  }
  run.state.sent++;
  run.effect(EFFECTS.send, spec.channel, data as unknown as Record<string, unknown>, at);
  return at > run.now ? { status: 'deferred', at, reason: null } : SENT;
}

export function execSend(step: CompiledStepOf<'send'>, run: Run): Control {
  run.output = sendMessage(run, step, step.text);
  return CONTINUE;
}
