import type { WebhookHandler } from '@kith/sdk';
import { eventsOf } from './callback/events.js';
import { callbackKeys, cipherOf, verifyCallback } from './callback/verify.js';
import type { WeComConfig } from './config.js';
import { decryptMessage } from './crypto/wxbiz-msg-crypt.js';
import { parseXml, XmlError } from './xml.js';

/** WeCom takes an empty 200 as "received, no passive reply"; anything else would be read as a reply. */
const EMPTY_REPLY = { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' };

/**
 * The app's callback URL (接收消息服务器配置): the GET that verifies the URL is answered with the
 * decrypted echostr; POSTed events and messages become Kith events.
 */
export const webhook: WebhookHandler<WeComConfig> = {
  verify: verifyCallback,

  async parse(ctx, request) {
    const keys = callbackKeys(ctx.config)!;
    const plaintext = decryptMessage(keys, cipherOf(request)!).message;
    if (request.method === 'GET') {
      // Answer within a second with the plaintext exactly: no quotes, BOM or newline.
      return { events: [], reply: { ...EMPTY_REPLY, body: plaintext } };
    }
    try {
      return { events: await eventsOf(ctx, parseXml(plaintext)), reply: EMPTY_REPLY };
    } catch (e) {
      // Authentic but unreadable: acknowledge it, or WeCom retries a message that can never parse.
      if (!(e instanceof XmlError)) throw e;
      ctx.logger.warn('WeCom callback message is not readable XML', { error: e.message });
      return { events: [], reply: EMPTY_REPLY };
    }
  },
};
