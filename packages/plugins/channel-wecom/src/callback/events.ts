import { CHANNEL_EVENTS, type InboundEvent, inboundEventId, type PluginContext } from '@kith/sdk';
import type { WeComConfig } from '../config.js';
import { attributionOf } from '../invite-codes.js';
import { fields, type XmlElement } from '../xml.js';

type Ctx = PluginContext<WeComConfig>;

/** 客户群变更事件 JoinScene / QuitScene (https://developer.work.weixin.qq.com/document/path/92130). */
const JOIN_SCENES: Readonly<Record<string, string>> = { '0': 'invited', '1': 'link', '3': 'qr' };
const QUIT_SCENES: Readonly<Record<string, string>> = { '0': 'left', '1': 'removed' };

const atOf = (f: Record<string, string>) => Number(f.CreateTime ?? 0) * 1000;

function textMessage(f: Record<string, string>): InboundEvent[] {
  if (f.MsgId === undefined || f.FromUserName === undefined) return [];
  return [
    {
      id: inboundEventId('msg', f.MsgId),
      type: CHANNEL_EVENTS.messageReceived,
      at: atOf(f),
      address: f.FromUserName,
      group: null,
      data: { text: f.Content ?? '', messageId: f.MsgId },
    },
  ];
}

/** 添加/删除企业客户事件: a customer added (or dropped) a staff member; the state is the invite code. */
async function contactChange(ctx: Ctx, f: Record<string, string>): Promise<InboundEvent[]> {
  const external = f.ExternalUserID;
  if (external === undefined) return [];
  const base = { at: atOf(f), address: external, group: null };
  const id = (kind: string) => inboundEventId('contact', kind, f.UserID ?? '', external, f.CreateTime ?? '');
  switch (f.ChangeType) {
    case 'add_external_contact':
    case 'add_half_external_contact': {
      const invite = f.State === undefined || f.State === '' ? null : f.State;
      return [
        {
          ...base,
          id: id('add'),
          type: CHANNEL_EVENTS.memberJoined,
          data: {
            invite,
            attribution: invite === null ? null : await attributionOf(ctx, invite),
            staff: f.UserID ?? null,
          },
        },
      ];
    }
    case 'del_follow_user':
    case 'del_external_contact':
      return [
        {
          ...base,
          id: id('del'),
          type: CHANNEL_EVENTS.memberLeft,
          data: { by: f.ChangeType === 'del_follow_user' ? 'member' : 'staff', staff: f.UserID ?? null },
        },
      ];
    default:
      return [];
  }
}

/**
 * 客户群变更事件 with UpdateDetail add_member / del_member: one event per member in MemChangeList;
 * without the list (older callbacks), one event without an address that says how many changed.
 * CurMemVer (the group's membership version after the change) makes the id unique per change.
 */
function chatChange(root: XmlElement, f: Record<string, string>): InboundEvent[] {
  const detail = f.UpdateDetail;
  if (
    f.ChangeType !== 'update' ||
    (detail !== 'add_member' && detail !== 'del_member') ||
    f.ChatId === undefined
  )
    return [];
  const joined = detail === 'add_member';
  const version = f.CurMemVer ?? `${detail}@${f.CreateTime ?? ''}`;
  const list = root.children.find((c) => c.name === 'MemChangeList');
  const members = list?.children.filter((c) => c.name === 'Item').map((c) => c.text) ?? [];
  const count = Number(f.MemChangeCnt ?? members.length);
  const data = joined
    ? { invite: null, attribution: null, scene: JOIN_SCENES[f.JoinScene ?? ''] ?? null, count }
    : { scene: QUIT_SCENES[f.QuitScene ?? ''] ?? null, count };
  const event = (address: string | null): InboundEvent => ({
    id: inboundEventId('chat', f.ChatId!, version, ...(address === null ? [] : [address])),
    type: joined ? CHANNEL_EVENTS.memberJoined : CHANNEL_EVENTS.memberLeft,
    at: atOf(f),
    address,
    group: f.ChatId!,
    data,
  });
  return members.length === 0 ? [event(null)] : members.map(event);
}

/** The decrypted callback message as Kith events; ids come from WeCom's own fields only. */
export async function eventsOf(ctx: Ctx, message: XmlElement): Promise<InboundEvent[]> {
  const f = fields(message);
  if (f.MsgType === 'text') return textMessage(f);
  if (f.MsgType !== 'event') return [];
  if (f.Event === 'change_external_contact') return contactChange(ctx, f);
  if (f.Event === 'change_external_chat') return chatChange(message, f);
  return [];
}
