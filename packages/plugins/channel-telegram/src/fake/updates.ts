import type { WebhookRequest } from '@kith/sdk';
import { webhookRequest } from '@kith/sdk/webhook';
import { SECRET_HEADER } from '../webhook.js';
import type { CreatedLink, FakeBotApi, FakeUser } from './bot-api.js';
import type { Clock } from './server.js';

type Update = Record<string, unknown> & { update_id: number };
type MemberStatus = 'member' | 'left' | 'kicked' | 'administrator';

/**
 * Builds the updates Telegram POSTs to a bot's webhook (https://core.telegram.org/bots/api#update)
 * for what members do, each with the next update_id, and signs them the way Telegram does: the
 * webhook's secret_token in X-Telegram-Bot-Api-Secret-Token.
 */
export class UpdateFactory {
  private nextUpdateId = 500_000_001;
  private nextMessageId = 90_001;

  constructor(
    private readonly api: FakeBotApi,
    private readonly secret: string,
    private readonly clock: Clock,
  ) {}

  private date = () => Math.floor(this.clock.now() / 1000);

  private user(id: number | string): { id: number | string; is_bot: false; first_name: string } {
    const known: FakeUser = this.api.users.get(id) ?? this.api.addUser(id, `User ${id}`);
    return { id: known.id, is_bot: false, first_name: known.first_name };
  }

  private chat(group: number | null, user: number | string) {
    if (group === null) return { id: user, type: 'private', first_name: this.user(user).first_name };
    return { id: group, type: 'supergroup', title: this.api.groups.get(group)?.title ?? 'Group' };
  }

  private update(body: Record<string, unknown>): Update {
    return { update_id: this.nextUpdateId++, ...body };
  }

  message(from: number | string, text: string, group: number | null = null): Update {
    return this.update({
      message: {
        message_id: this.nextMessageId++,
        from: this.user(from),
        chat: this.chat(group, from),
        date: this.date(),
        text,
      },
    });
  }

  /** A press on an inline button of the bot's last message in that chat. */
  callback(from: number | string, data: string, group: number | null = null): Update {
    const chat = group ?? from;
    const last = [...this.api.messages].reverse().find((m) => m.chat_id === chat);
    return this.update({
      callback_query: {
        id: String(this.nextUpdateId * 7),
        from: this.user(from),
        chat_instance: `ci-${chat}`,
        data,
        message: {
          message_id: last?.message_id ?? 1,
          from: { id: 7000001, is_bot: true, first_name: 'Kith Test Bot' },
          chat: this.chat(group, from),
          date: this.date(),
          text: last?.text ?? '',
        },
      },
    });
  }

  /** A chat_member update: the member's status in the group went from `from` to `to`. */
  chatMember(
    user: number | string,
    group: number,
    from: MemberStatus,
    to: MemberStatus,
    options: { link?: CreatedLink | null; viaJoinRequest?: boolean } = {},
  ): Update {
    const u = this.user(user);
    const status = (s: MemberStatus) =>
      s === 'kicked'
        ? { status: s, user: u, until_date: 0 }
        : s === 'administrator'
          ? { status: s, user: u, can_be_edited: false }
          : { status: s, user: u };
    return this.update({
      chat_member: {
        chat: this.chat(group, user),
        from: to === 'kicked' ? { id: 7000001, is_bot: true, first_name: 'Kith Test Bot' } : u,
        date: this.date(),
        old_chat_member: status(from),
        new_chat_member: status(to),
        ...(options.link ? { invite_link: this.api.linkObject(options.link) } : {}),
        ...(options.viaJoinRequest ? { via_join_request: true } : {}),
      },
    });
  }

  joinRequest(user: number | string, group: number, link: CreatedLink | null): Update {
    const u = this.user(user);
    return this.update({
      chat_join_request: {
        chat: this.chat(group, user),
        from: u,
        user_chat_id: u.id,
        date: this.date(),
        ...(link ? { invite_link: this.api.linkObject(link) } : {}),
      },
    });
  }

  /** The POST Telegram makes to the webhook, with the secret token (or `secret` to forge one). */
  request(update: Update, secret: string = this.secret): WebhookRequest {
    return webhookRequest({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret },
      body: JSON.stringify(update),
    });
  }
}
