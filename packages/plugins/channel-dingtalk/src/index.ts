/**
 * @kith/channel-dingtalk — DingTalk (钉钉) custom robots: signed sends to the robot's group
 * (text, markdown, actionCard) and verified outgoing-robot callbacks as `message.received`.
 */
export { sendUrl } from './client.js';
export { DingTalkConfig } from './config.js';
export { errorFromErrcode, THROTTLE_PENALTY_MS } from './errors.js';
export { normaliseRobotMessage } from './fake/normalise.js';
export { dingtalkFake } from './fake/provider.js';
export {
  type FakeDingTalk,
  type FakeDingTalkOptions,
  type OutgoingOptions,
  type RobotMessage,
  startFakeDingTalk,
} from './fake/server.js';
export type { OutgoingMessage } from './outgoing.js';
export { dingtalkChannel, dingtalkChannel as default } from './plugin.js';
export { renderMessage, valueLink } from './render.js';
export { dingtalkSign, dingtalkVerify, SIGNATURE_TOLERANCE_MS } from './signing.js';
