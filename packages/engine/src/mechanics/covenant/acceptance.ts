import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { Problems } from '../../compile/problems.js';
import type { Render } from '../../compile/types.js';
import { directMessage, renderOr, templateScope } from '../messages.js';
import { defineMechanic, type MechanicOutput } from '../types.js';

/** The accept button's value. */
export const COVENANT_ACCEPT = 'covenant:accept';
/** data: via ('button' | 'event') — emitted when a member accepts by the button. */
export const COVENANT_ACCEPTED = 'covenant.accepted';

export interface CovenantPlan {
  text: Render | null;
  channel: string;
  button: string;
  required: boolean;
  /** The first stage a member may not reach before accepting (`activate`, else the second). */
  gateFrom: number | null;
}

interface CovenantState {
  /** The covenant was sent (once per member). */
  presented: boolean;
}

/** Every member's state once presented: one shared (frozen) object rather than one each. */
const PRESENTED: CovenantState = Object.freeze({ presented: true });

const DEFAULT_TEXT = 'Please read and accept the community covenant.';
const DEFAULT_BUTTON = 'I agree';

function gateIndex(pb: ResolvedPlaybook): number | null {
  const ids = Object.keys(pb.stages);
  const activate = ids.indexOf('activate');
  if (activate >= 0) return activate;
  return ids.length > 1 ? 1 : null;
}

export function compileCovenant(pb: ResolvedPlaybook): CovenantPlan | undefined {
  const c = pb.covenant;
  const a = c?.acceptance;
  if (c === undefined || a === undefined) return undefined;
  const p = new Problems();
  const text = p.template(c.text, 'covenant.text');
  const channel = a.via ?? Object.keys(pb.channels ?? {})[0];
  if (channel === undefined) p.add('covenant.acceptance.via', 'no channel to present the covenant on');
  p.throwIfAny();
  return {
    text,
    channel: channel ?? '',
    button: a.button ?? DEFAULT_BUTTON,
    required: a.required === true,
    gateFrom: gateIndex(pb),
  };
}

function accept(via: 'button' | 'event', emit: boolean): MechanicOutput {
  return {
    changes: [{ op: 'covenant', accepted: true }],
    events: emit ? [{ type: COVENANT_ACCEPTED, data: { via } }] : [],
  };
}

/**
 * The covenant (公约): on joining, a member is sent its text with an accept button; the button
 * (or a `covenant.accepted` event from elsewhere) sets `member.covenantAccepted`. With
 * `required: true` the member is held below `activate` (or, without such a stage, the second
 * stage) until then; accepting lets the stage ladder move it up at once.
 */
export const covenant = defineMechanic<CovenantPlan, CovenantState>({
  name: 'covenant',
  events: ['member.joined', 'button.clicked', COVENANT_ACCEPTED],
  compile: (pb) => compileCovenant(pb),
  onEvent(ctx, event, view) {
    const accepted = ctx.member.covenantAccepted;
    if (event.type === COVENANT_ACCEPTED) return accepted ? undefined : accept('event', false);
    if (event.type === 'button.clicked')
      return view.value === COVENANT_ACCEPT && !accepted ? accept('button', true) : undefined;
    if (accepted || ctx.left || ctx.state?.presented === true) return undefined;
    const text = renderOr(ctx.plan.text, templateScope(ctx, view), DEFAULT_TEXT);
    // the answer to a join, like a receipt: it goes now, quiet hours or not
    const effect = directMessage(ctx, ctx.plan.channel, text, {
      critical: true,
      buttons: [{ text: ctx.plan.button, value: COVENANT_ACCEPT, url: null }],
    });
    return {
      changes: [{ op: 'state', value: PRESENTED }],
      effects: effect === undefined ? [] : [effect],
    };
  },
  mayReachStage(ctx, _stage, index) {
    const gate = ctx.plan.gateFrom;
    return !ctx.plan.required || gate === null || index < gate || ctx.member.covenantAccepted;
  },
});
