import type { FakeHappening, FakeProvider, FakeReceived } from '@kith/sdk/testing';
import { type BotMessage, type FakeFeishuOptions, startFakeFeishu } from './server.js';

const GROUP = 'oc_fakegroup';
const VALUE_KEY = 'kith_value';

type Card = {
  elements?: { tag?: string; text?: { content?: string }; actions?: Record<string, unknown>[] }[];
};

/** Reads a bot message back into the suite's terms: the text as the group sees it, and the buttons. */
export function normaliseBotMessage(m: BotMessage): FakeReceived {
  const to = { kind: 'group', group: GROUP } as const;
  const body = m.body as { msg_type?: string; content?: Record<string, unknown>; card?: Card };
  if (body.msg_type === 'interactive') {
    const elements = body.card?.elements ?? [];
    const actions = elements.find((e) => e.tag === 'action')?.actions ?? [];
    return {
      to,
      text: String(elements.find((e) => e.tag === 'div')?.text?.content ?? ''),
      buttons: actions.map((a) => ({
        text: String((a.text as { content?: string } | undefined)?.content ?? ''),
        value:
          typeof a.url === 'string' ? null : String((a.value as Record<string, unknown>)?.[VALUE_KEY] ?? ''),
        url: typeof a.url === 'string' ? a.url : null,
      })),
    };
  }
  if (body.msg_type === 'post') {
    const post = (body.content?.post as { zh_cn?: { content?: { text?: string }[][] } } | undefined)?.zh_cn;
    return {
      to,
      text: (post?.content ?? []).map((line) => line.map((x) => x.text ?? '').join('')).join('\n'),
      buttons: [],
    };
  }
  return { to, text: String(body.content?.text ?? ''), buttons: [] };
}

/**
 * The contract suite's fake: a real local Feishu. The plugin uses the global fetch against it.
 * Feishu reports joins without the link used, so a join through an invite is never reported as such.
 */
export async function feishuFake(options: FakeFeishuOptions = {}): Promise<FakeProvider> {
  const fake = await startFakeFeishu(options);
  let seq = 0;
  const member = (address: string) => ({
    open_id: address,
    union_id: `on_${address}`,
    user_id: `u_${address}`,
  });
  return {
    config: {
      baseUrl: fake.url,
      hookToken: fake.hookToken,
      ...(fake.secret === null ? {} : { secret: fake.secret }),
      verificationToken: fake.verificationToken,
      ...(fake.encryptKey === null ? {} : { encryptKey: fake.encryptKey }),
      chatId: GROUP,
      inviteUrl: 'https://applink.feishu.cn/client/chat/chatter/add_by_link?link_token=fake',
    },
    member: { id: 'ann', address: 'ou_ann' },
    group: GROUP,
    received: () => fake.messages.map(normaliseBotMessage),
    failNext: (f) => fake.failNext(f),
    inbound(h: FakeHappening) {
      seq += 1;
      if (h.type === 'message.received') {
        return fake.event('im.message.receive_v1', {
          sender: { sender_id: member(h.address), sender_type: 'user', tenant_key: 'tenant_fake' },
          message: {
            message_id: `om_${seq}`,
            create_time: String(Date.now()),
            chat_id: h.group ?? GROUP,
            chat_type: h.group === null ? 'p2p' : 'group',
            message_type: 'text',
            content: JSON.stringify({ text: h.text }),
          },
        });
      }
      if (h.type === 'member.left' || (h.type === 'member.joined' && (h.invite ?? null) === null)) {
        const type =
          h.type === 'member.left' ? 'im.chat.member.user.deleted_v1' : 'im.chat.member.user.added_v1';
        return fake.event(type, {
          chat_id: h.group ?? GROUP,
          operator_id: member('ou_owner'),
          users: [{ name: h.address, tenant_key: 'tenant_fake', user_id: member(h.address) }],
        });
      }
      return null;
    },
    forge(request) {
      if (request.headers['x-lark-signature'] !== undefined) {
        // The same body and headers, signed by someone guessing the Encrypt Key.
        return { ...request, headers: { ...request.headers, 'x-lark-signature': 'f'.repeat(64) } };
      }
      // A plain callback is vouched for by its Verification Token alone: a forger has to guess it.
      const payload = JSON.parse(Buffer.from(request.body).toString('utf8')) as { header: { token: string } };
      payload.header.token = 'a-guess-at-the-token';
      return { ...request, body: new TextEncoder().encode(JSON.stringify(payload)) };
    },
    close: () => fake.close(),
  };
}
