import type { Render } from '../compile/types.js';
import { deliveryTime } from '../kernel/delivery.js';
import { EFFECTS, type MessageButton, type MessageData } from '../model/effect.js';
import type { EventView } from '../model/event.js';
import type { MechanicContext, MechanicEffect } from './types.js';

/**
 * What a mechanic's message template sees: the roots a journey's message has (member, event,
 * params, now, referrer, playbook) plus the mechanic's own (`ritual`, `rule`, `strikes`).
 */
export function templateScope<P, S>(
  ctx: MechanicContext<P, S>,
  event: EventView | null,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    member: ctx.member,
    event,
    params: ctx.playbook.params,
    now: ctx.now,
    timezone: ctx.member.timezone ?? ctx.playbook.timezone,
    // the referrer's name lives outside the profile; mechanics' texts get the id only
    referrer: { id: ctx.member.referrer, name: null },
    playbook: ctx.playbook.scopeInfo,
    ...extra,
  };
}

/** Renders a template, or the fallback when there is none; a broken render falls back too. */
export function renderOr(template: Render | null, scope: Record<string, unknown>, fallback: string): string {
  if (template === null) return fallback;
  try {
    return template(scope);
  } catch {
    return fallback;
  }
}

export interface DirectMessageOptions {
  buttons?: readonly MessageButton[];
  /**
   * Bypasses quiet hours: notices the member must get now (a moderation warning, the covenant
   * on joining). Otherwise quiet hours apply in the member's zone, and a `skip` drops the message.
   */
  critical?: boolean;
}

/**
 * A direct message from a mechanic to the member on a channel, as a `message.send` effect, or
 * undefined when quiet hours say skip. Frequency caps are not applied: they are for journeys'
 * marketing messages, and these are the community's own notices.
 */
export function directMessage<P, S>(
  ctx: MechanicContext<P, S>,
  channel: string,
  text: string,
  options: DirectMessageOptions = {},
): MechanicEffect | undefined {
  const critical = options.critical ?? false;
  let at = ctx.now;
  if (!critical) {
    const t = deliveryTime(
      ctx.playbook.delivery,
      null,
      ctx.member.timezone ?? ctx.playbook.timezone,
      ctx.now,
    );
    if (typeof t === 'string') return undefined;
    at = t;
  }
  const data: MessageData = {
    to: { kind: 'member', member: ctx.member.id, address: ctx.member.identities[channel] ?? null },
    text,
    subject: null,
    html: null,
    image: null,
    buttons: [...(options.buttons ?? [])],
    critical,
  };
  return {
    type: EFFECTS.send,
    target: channel,
    data: data as unknown as Record<string, unknown>,
    notBefore: at,
  };
}
