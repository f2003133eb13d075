import type { FakeHappening, FakeProvider, FakeReceived } from '@kith/sdk/testing';
import { SECRET_HEADER } from '../webhook.js';
import type { SentMessage } from './bot-api.js';
import { type Clock, type FakeTelegramServer, startFakeTelegram } from './server.js';
import { UpdateFactory } from './updates.js';

export const FAKE_WEBHOOK_SECRET = 'kith-fake-webhook-secret_0123';
export const FAKE_MEMBER = { id: 'ann', address: '1001' } as const;
export const FAKE_GROUP = -1001234567890;

export interface FakeTelegram extends FakeProvider {
  readonly server: FakeTelegramServer;
  readonly updates: UpdateFactory;
}

const toId = (address: string): number | string => (/^-?\d+$/.test(address) ? Number(address) : address);

function received(m: SentMessage): FakeReceived {
  const chat = String(m.chat_id);
  return {
    to: chat.startsWith('-') ? { kind: 'group', group: chat } : { kind: 'member', address: chat },
    text: m.text,
    buttons: (m.reply_markup?.inline_keyboard ?? []).flat().map((b) => ({
      text: b.text,
      value: b.callback_data ?? null,
      url: b.url ?? null,
    })),
  };
}

/**
 * The Telegram fake as the SDK's FakeProvider: a real Bot API server on 127.0.0.1 that knows one
 * member (Ann, user 1001, who has started the bot) and one supergroup, and builds the webhook
 * updates Telegram would send for what members do.
 */
export async function fakeTelegram(options: { clock?: Clock } = {}): Promise<FakeTelegram> {
  const clock = options.clock ?? { now: () => Date.now() };
  const server = await startFakeTelegram({ clock });
  server.api.addUser(Number(FAKE_MEMBER.address), 'Ann');
  server.api.addGroup(FAKE_GROUP, 'Kith test group');
  const updates = new UpdateFactory(server.api, FAKE_WEBHOOK_SECRET, clock);
  const group = (g: string | null | undefined) => (g === null || g === undefined ? null : Number(g));

  function update(h: FakeHappening) {
    const user = toId(h.address);
    switch (h.type) {
      case 'message.received':
        return updates.message(user, h.text, group(h.group));
      case 'button.clicked':
        return updates.callback(user, h.value, group(h.group));
      case 'member.joined': {
        const g = group(h.group);
        // Without a group, a referral is the bot's deep link: `/start <code>` in the private chat.
        if (g === null) return updates.message(user, h.invite ? `/start ${h.invite}` : '/start');
        const link = h.invite ? (server.api.links.find((l) => l.name === h.invite) ?? null) : null;
        return updates.chatMember(user, g, 'left', 'member', { link });
      }
      case 'member.left':
        return updates.chatMember(user, group(h.group) ?? FAKE_GROUP, 'member', 'left');
    }
  }

  return {
    server,
    updates,
    config: { baseUrl: server.url, token: server.token, webhookSecret: FAKE_WEBHOOK_SECRET },
    member: { ...FAKE_MEMBER },
    group: String(FAKE_GROUP),
    received: () => server.api.messages.map(received),
    failNext: (f) => server.failNext(f),
    inbound: (h) => updates.request(update(h)),
    forge: (request) => ({ ...request, headers: { ...request.headers, [SECRET_HEADER]: 'not-the-secret' } }),
    close: () => server.close(),
  };
}
