import type { FakeHappening, FakeProvider, FakeReceived } from '@kith/sdk/testing';
import type { WeComKeys } from '../crypto/wxbiz-msg-crypt.js';
import { CallbackFactory } from './callbacks.js';
import { type Clock, type FakeWeComServer, type RobotMessage, startFakeWeCom } from './server.js';

export const FAKE_GROUP = 'wr-kith-mums-1';
export const FAKE_CALLBACK = {
  token: 'kithFakeCallbackToken',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};
export const FAKE_INVITE_USER = 'zhangsan';

export interface FakeWeCom extends FakeProvider {
  readonly server: FakeWeComServer;
  readonly callbacks: CallbackFactory;
  readonly keys: WeComKeys;
}

/** What the group saw, in the suite's terms: text for text, content for markdown, the title for news. */
function received(m: RobotMessage): FakeReceived {
  const b = m.body as Record<string, Record<string, unknown> | string>;
  const part = b[String(b.msgtype)] as Record<string, unknown>;
  const articles = part.articles as { title: string }[] | undefined;
  const text = typeof part.content === 'string' ? part.content : (articles?.[0]?.title ?? '');
  return { to: { kind: 'group', group: FAKE_GROUP }, text, buttons: [] };
}

/**
 * The WeCom fake as the SDK's FakeProvider: a qyapi on 127.0.0.1 with one robot (whose chat is
 * FAKE_GROUP), an app secret for invite QR codes, and callbacks encrypted for the app's settings.
 */
export async function fakeWeCom(options: { clock?: Clock } = {}): Promise<FakeWeCom> {
  const clock = options.clock ?? { now: () => Date.now() };
  const server = await startFakeWeCom({ clock });
  const keys: WeComKeys = { ...FAKE_CALLBACK, receiveId: server.corpId };
  const callbacks = new CallbackFactory(keys, clock);
  const inbound = (h: FakeHappening) => {
    switch (h.type) {
      case 'message.received':
        return callbacks.text(h.address, h.text).request;
      case 'member.joined':
        // An invite is a 「联系我」 code; its state comes back on the contact event. Group joins carry none.
        return h.invite || !h.group
          ? callbacks.contactAdded(FAKE_INVITE_USER, h.address, h.invite ?? null).request
          : callbacks.chatMembers(h.group, 'add_member', [h.address]).request;
      case 'member.left':
        return h.group
          ? callbacks.chatMembers(h.group, 'del_member', [h.address]).request
          : callbacks.contactDropped(FAKE_INVITE_USER, h.address).request;
      case 'button.clicked':
        return null; // a robot's messages have no buttons that report back
    }
  };
  return {
    server,
    callbacks,
    keys,
    config: {
      baseUrl: server.url,
      robotKey: server.robotKeys[0]!,
      group: FAKE_GROUP,
      corpId: server.corpId,
      callbackToken: keys.token,
      encodingAesKey: keys.encodingAesKey,
      secret: server.secret,
      inviteUser: FAKE_INVITE_USER,
    },
    member: { id: 'ann', address: 'wmAnnExternal0001' },
    group: FAKE_GROUP,
    received: () => server.robotMessages.map(received),
    failNext: (f) => server.failNext(f),
    inbound,
    forge: (request) => ({ ...request, query: { ...request.query, msg_signature: 'f'.repeat(40) } }),
    close: () => server.close(),
  };
}
