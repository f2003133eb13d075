/**
 * @kith/channel-wecom/testing — a local fake of WeCom's qyapi (a real HTTP server on 127.0.0.1:
 * group robot, gettoken, 「联系我」) and of the encrypted callbacks WeCom POSTs to an app's URL.
 */
export { CallbackFactory, callbackXml, type SignedCallback } from './callbacks.js';
export { FAKE_CALLBACK, FAKE_GROUP, FAKE_INVITE_USER, type FakeWeCom, fakeWeCom } from './provider.js';
export {
  type Clock,
  type ContactWay,
  type FakeWeComServer,
  type FakeWeComServerOptions,
  type RobotMessage,
  startFakeWeCom,
  type WeComFailure,
} from './server.js';
