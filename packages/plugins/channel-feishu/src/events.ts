/** The parts of Feishu's event callbacks (schema 2.0) Kith reads; Feishu sends more. */

export interface FeishuUserId {
  open_id?: string;
  union_id?: string;
  user_id?: string;
}

export interface EventHeader {
  event_id: string;
  event_type: string;
  /** Milliseconds, as a string. */
  create_time?: string;
  /** The app's Verification Token. */
  token?: string;
  app_id?: string;
  tenant_key?: string;
}

/** `{"schema":"2.0","header":{…},"event":{…}}` */
export interface EventEnvelope {
  schema: '2.0';
  header: EventHeader;
  event: Record<string, unknown>;
}

/** `{"type":"url_verification","challenge":"…","token":"…"}` */
export interface UrlVerification {
  type: 'url_verification';
  challenge: string;
  token?: string;
}

/** im.message.receive_v1 */
export interface MessageReceiveEvent {
  sender?: { sender_id?: FeishuUserId; sender_type?: string };
  message?: {
    message_id?: string;
    chat_id?: string;
    /** 'p2p' or 'group' */
    chat_type?: string;
    message_type?: string;
    /** JSON: `{"text":"…"}` for text messages. */
    content?: string;
    create_time?: string;
  };
}

/** im.chat.member.user.added_v1 and …deleted_v1 */
export interface ChatMemberEvent {
  chat_id?: string;
  operator_id?: FeishuUserId;
  users?: { name?: string; user_id?: FeishuUserId }[];
}

export const EVENT_TYPES = {
  messageReceive: 'im.message.receive_v1',
  memberAdded: 'im.chat.member.user.added_v1',
  memberDeleted: 'im.chat.member.user.deleted_v1',
} as const;

export function isUrlVerification(v: unknown): v is UrlVerification {
  const o = v as UrlVerification | null;
  return (
    typeof o === 'object' && o !== null && o.type === 'url_verification' && typeof o.challenge === 'string'
  );
}

export function isEnvelope(v: unknown): v is EventEnvelope {
  const o = v as EventEnvelope | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    o.schema === '2.0' &&
    typeof o.header?.event_id === 'string' &&
    typeof o.header.event_type === 'string' &&
    typeof o.event === 'object' &&
    o.event !== null
  );
}
