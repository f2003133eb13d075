/**
 * The body DingTalk POSTs to an outgoing robot's URL when a member @-mentions it (or writes to it
 * one-to-one). Only the fields Kith reads; DingTalk sends more.
 */
export interface OutgoingMessage {
  msgId: string;
  msgtype: string;
  text?: { content?: string };
  createAt?: number | string;
  /** '1' one-to-one, '2' group. */
  conversationType?: string;
  conversationId?: string;
  conversationTitle?: string;
  /** The sender's id for this robot (always present). */
  senderId?: string;
  /** The sender's userid in the organisation (internal robots only). */
  senderStaffId?: string;
  senderCorpId?: string;
  senderNick?: string;
  isInAtList?: boolean;
}

export function isOutgoingMessage(v: unknown): v is OutgoingMessage {
  const m = v as OutgoingMessage | null;
  return typeof m === 'object' && m !== null && typeof m.msgId === 'string' && m.msgId !== '';
}
