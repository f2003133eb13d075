/**
 * @kith/channel-wecom — Kith channel plugin for WeCom (企业微信): group robot sends, app callbacks
 * with WXBizMsgCrypt, invite QR codes. The local fake for tests: `@kith/channel-wecom/testing`.
 */
export { WeComConfig } from './config.js';
export {
  CryptoError,
  decryptMessage,
  encryptMessage,
  msgSignature,
  type WeComKeys,
} from './crypto/wxbiz-msg-crypt.js';
export { wecomChannel, wecomChannel as default } from './plugin.js';
export { parseXml, type XmlElement, XmlError } from './xml.js';
