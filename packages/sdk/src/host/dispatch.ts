import type { OutboundRecipient } from '../channel/types.js';
import type { PluginContext } from '../context/types.js';
import type {
  CheckoutData,
  Effect,
  GroupAddData,
  GroupOpenData,
  MessageData,
  PluginCallData,
} from '../engine.js';
import { PluginError } from '../errors/plugin-error.js';
import { PAYMENT_EFFECTS } from '../payment/types.js';
import type { PluginConfig } from '../plugin/types.js';
import { checkValue } from '../schema/check.js';
import type { PluginInstance } from './instance.js';

/** Looks a member's address up on a channel (the runtime's member directory); for referrers. */
export type AddressLookup = (member: string, channel: string) => Promise<string | null>;

const EFFECT_TYPES = {
  send: 'message.send',
  checkout: PAYMENT_EFFECTS.checkout,
  capture: PAYMENT_EFFECTS.capture,
  refund: PAYMENT_EFFECTS.refund,
  void: PAYMENT_EFFECTS.void,
  groupOpen: 'group.open',
  groupAdd: 'group.add',
  groupMute: 'group.mute',
  groupRemove: 'group.remove',
  messageDelete: 'message.delete',
  call: 'plugin.call',
} as const;

/**
 * What `dispatchEffect` returns for an effect the channel cannot carry out and need not: the
 * outbox records it as done, with the reason, instead of dead-lettering it on every member.
 */
export interface Skipped {
  skipped: string;
}

function membership(effect: Effect): {
  group: string;
  member: string;
  address: string | null;
  untilMs: number | null;
} {
  const d = effect.data as Record<string, unknown>;
  const group = typeof d.group === 'string' ? d.group : null;
  const member = typeof d.member === 'string' ? d.member : null;
  if (group === null || member === null)
    throw PluginError.permanent(`${effect.type} needs a group and a member`);
  return {
    group,
    member,
    address: typeof d.address === 'string' ? d.address : null,
    untilMs: typeof d.untilMs === 'number' ? d.untilMs : null,
  };
}

/**
 * `data` of the ledger's `payment.capture`, `payment.refund` and `payment.void` effects, as far as
 * a provider needs it. Read field by field (not imported): the ledger is the engine's, and a
 * missing field must dead-letter with a message rather than reach a provider as `undefined`.
 */
interface LedgerPaymentData {
  orderId: string;
  paymentId: string;
  refundId: string | null;
  amount: number;
  currency: string;
  reason: string | null;
}

function ledgerPaymentData(effect: Effect): LedgerPaymentData {
  const d = effect.data;
  const text = (k: string): string | null => (typeof d[k] === 'string' && d[k] !== '' ? d[k] : null);
  const orderId = text('orderId');
  const paymentId = text('paymentId');
  const currency = text('currency');
  const amount = d.amount;
  if (orderId === null || paymentId === null || currency === null)
    throw PluginError.permanent(`${effect.type} needs orderId, paymentId and currency`);
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0)
    throw PluginError.permanent(`${effect.type}: amount must be integer minor units, got ${String(amount)}`);
  return { orderId, paymentId, refundId: text('refundId'), amount, currency, reason: text('reason') };
}

async function recipient(
  data: MessageData,
  channel: string,
  addressOf: AddressLookup | undefined,
): Promise<OutboundRecipient> {
  const to = data.to;
  if (to.kind === 'member') return { kind: 'member', member: to.member, address: to.address };
  if (to.kind === 'group') {
    if (to.group === null)
      throw PluginError.permanent(`member ${to.member} is in no group on channel ${channel}`);
    return { kind: 'group', group: to.group, pool: to.pool };
  }
  if (to.referrer === null) throw PluginError.permanent(`member ${to.member} has no referrer`);
  return {
    kind: 'member',
    member: to.referrer,
    address: addressOf ? await addressOf(to.referrer, channel) : null,
  };
}

function unsupported(instance: PluginInstance, what: string): PluginError {
  return PluginError.permanent(`${instance.plugin.name} (instance ${instance.id}) cannot ${what}`);
}

/**
 * Calls the capability an effect asks for. The engine produced `effect.data`, so its shape is
 * trusted by type; action inputs come from playbook authors and are checked against the schema.
 */
export async function dispatchEffect(
  instance: PluginInstance,
  effect: Effect,
  ctx: PluginContext<PluginConfig>,
  addressOf?: AddressLookup,
): Promise<unknown> {
  const { channel, payment, actions } = instance.plugin.capabilities;
  switch (effect.type) {
    case EFFECT_TYPES.send: {
      if (channel === null) throw unsupported(instance, 'send messages');
      const data = effect.data as unknown as MessageData;
      return channel.send(ctx, {
        to: await recipient(data, instance.id, addressOf),
        text: data.text,
        subject: data.subject ?? null,
        html: data.html ?? null,
        image: data.image ?? null,
        buttons: data.buttons ?? [],
      });
    }
    case EFFECT_TYPES.groupOpen: {
      if (channel?.createGroup === undefined) throw unsupported(instance, 'create groups');
      const data = effect.data as unknown as GroupOpenData;
      const members = await Promise.all(
        data.members.map(async (m) => ({
          member: m,
          address: addressOf ? await addressOf(m, instance.id) : null,
        })),
      );
      return channel.createGroup(ctx, { group: data.group, name: data.name, members });
    }
    case EFFECT_TYPES.groupAdd: {
      // Robots (WeCom, Feishu, DingTalk) and Telegram bots cannot add people: members join
      // through the group's invite link, so there is nothing to do, and nothing has failed.
      if (channel?.addMember === undefined) {
        return {
          skipped: `${instance.plugin.name} cannot add members; they join by invite`,
        } satisfies Skipped;
      }
      const data = effect.data as unknown as GroupAddData;
      await channel.addMember(ctx, { group: data.group, member: data.member, address: data.address });
      return null;
    }
    case EFFECT_TYPES.groupMute: {
      if (channel?.muteMember === undefined) throw unsupported(instance, 'mute members');
      const m = membership(effect);
      await channel.muteMember(ctx, m);
      return null;
    }
    case EFFECT_TYPES.groupRemove: {
      if (channel?.removeMember === undefined) throw unsupported(instance, 'remove members');
      const { untilMs: _, ...m } = membership(effect);
      await channel.removeMember(ctx, m);
      return null;
    }
    case EFFECT_TYPES.messageDelete:
      // No channel API deletes members' messages yet; the strike, warning and mute still apply.
      return { skipped: `${instance.plugin.name} cannot delete messages` } satisfies Skipped;
    case EFFECT_TYPES.checkout: {
      if (payment === null) throw unsupported(instance, 'create checkouts');
      const data = effect.data as unknown as CheckoutData & { description?: unknown };
      return payment.checkout(ctx, {
        order: data.orderId,
        offer: data.offer,
        amount: data.amount,
        currency: data.currency,
        member: data.member,
        description: typeof data.description === 'string' ? data.description : data.offer,
        // A provider that cannot hold money takes it at once; the campaign then refunds instead
        // of voiding when it fails (see capture and void below).
        capture: data.capture === 'manual' && canHold(payment) ? 'manual' : 'automatic',
        idempotencyKey: effect.key,
        payer: addressOf ? await addressOf(data.member, instance.id) : null,
      });
    }
    case EFFECT_TYPES.capture: {
      if (payment === null) throw unsupported(instance, 'capture held payments');
      if (!canHold(payment) || payment.capture === undefined) {
        return { skipped: `${instance.plugin.name} took the payment at checkout` } satisfies Skipped;
      }
      const d = ledgerPaymentData(effect);
      return payment.capture(ctx, {
        order: d.orderId,
        providerPaymentId: d.paymentId,
        amount: d.amount,
        currency: d.currency,
      });
    }
    case EFFECT_TYPES.refund: {
      if (payment?.refund === undefined) throw unsupported(instance, 'refund payments');
      const d = ledgerPaymentData(effect);
      if (d.refundId === null) throw PluginError.permanent('payment.refund needs a refundId');
      return payment.refund(ctx, {
        order: d.orderId,
        refund: d.refundId,
        providerPaymentId: d.paymentId,
        amount: d.amount,
        currency: d.currency,
        reason: d.reason,
      });
    }
    case EFFECT_TYPES.void: {
      if (payment === null) throw unsupported(instance, 'void held payments');
      const d = ledgerPaymentData(effect);
      if (!canHold(payment) || payment.void === undefined) {
        // Nothing is held: the money was taken at checkout, so releasing it is a full refund.
        if (payment.refund === undefined) throw unsupported(instance, 'refund payments');
        return payment.refund(ctx, {
          order: d.orderId,
          refund: d.refundId ?? `void:${d.orderId}`,
          providerPaymentId: d.paymentId,
          amount: d.amount,
          currency: d.currency,
          reason: d.reason,
        });
      }
      await payment.void(ctx, { order: d.orderId, providerPaymentId: d.paymentId });
      return null;
    }
    case EFFECT_TYPES.call: {
      const data = effect.data as unknown as PluginCallData;
      const action = Object.hasOwn(actions, data.action) ? actions[data.action] : undefined;
      if (action === undefined)
        throw unsupported(
          instance,
          `run action '${data.action}' (it has: ${Object.keys(actions).join(', ') || 'none'})`,
        );
      const issues = checkValue(action.input, data.input);
      if (issues.length > 0) {
        throw PluginError.permanent(
          `input of ${data.action}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        );
      }
      return action.run(ctx, data.input);
    }
    default:
      throw unsupported(instance, `handle effects of type '${effect.type}'`);
  }
}

/** Whether a provider can authorise now and capture or void later (pre-sales). */
function canHold(payment: { capture?: unknown; void?: unknown }): boolean {
  return payment.capture !== undefined && payment.void !== undefined;
}

/** The recipient and group a send is counted against, for rate limits. */
export function limitScope(effect: Effect): {
  message: boolean;
  group: string | null;
  recipient: string | null;
} {
  const data = effect.data as Record<string, unknown>;
  if (effect.type === EFFECT_TYPES.send) {
    const to = (data as unknown as MessageData).to;
    if (to?.kind === 'group') return { message: true, group: to.group, recipient: null };
    if (to?.kind === 'member') return { message: true, group: null, recipient: to.address ?? to.member };
    if (to?.kind === 'referrer') return { message: true, group: null, recipient: to.referrer };
    return { message: true, group: null, recipient: null };
  }
  const group = typeof data.group === 'string' ? data.group : null;
  return { message: false, group, recipient: null };
}
