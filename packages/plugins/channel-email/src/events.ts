/**
 * `member.unsubscribed`: a member opted out of email through one of our links. data:
 * `{ channel, via: 'one-click' | 'link', messageRef }` (the host adds `channel`, the instance id).
 * The engine must record the opt-out for that channel and send the member no more email there.
 */
export const UNSUBSCRIBED = 'member.unsubscribed';
