/**
 * The JSON every delivery carries, in the shape Standard Webhooks recommends: an event type, a
 * timestamp, and the data. The same shape comes back in for inbound events.
 */
export interface Envelope {
  type: string;
  /** ISO 8601. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** Outbound types: what the receiver is asked to do. */
export const OUTBOUND = {
  send: 'message.send',
  groupCreate: 'group.create',
  memberAdd: 'group.member.add',
  memberRemove: 'group.member.remove',
  memberMute: 'group.member.mute',
} as const;
