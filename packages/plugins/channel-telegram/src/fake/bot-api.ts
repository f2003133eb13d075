import { randomBytes } from 'node:crypto';
import { BotApiError } from './bot-api-error.js';
import { SlidingWindow } from './window.js';

export type Params = Record<string, unknown>;

export interface FakeUser {
  /** Telegram user ids are integers; the SDK suite's placeholder addresses ('newcomer-1') stay strings. */
  id: number | string;
  first_name: string;
  /** Bots can only write to users who started them. */
  started: boolean;
  blocked: boolean;
}

export interface FakeGroup {
  id: number;
  title: string;
}

/** A message the fake accepted from the bot. */
export interface SentMessage {
  message_id: number;
  chat_id: number | string;
  text: string;
  photo: string | null;
  reply_markup: { inline_keyboard: { text: string; url?: string; callback_data?: string }[][] } | null;
  at: number;
}

export interface CreatedLink {
  chat_id: number;
  invite_link: string;
  name: string | null;
  creates_join_request: boolean;
}

export interface MemberAction {
  method: 'restrictChatMember' | 'banChatMember' | 'unbanChatMember';
  chat_id: number;
  user_id: number;
  params: Params;
}

export const BOT = { id: 7000001, is_bot: true, first_name: 'Kith Test Bot', username: 'kith_test_bot' };

/** The Bot FAQ's limits, enforced the way Telegram does: a 429 with retry_after. */
const GROUP_LIMIT = { max: 20, perMs: 60_000 };
const BOT_LIMIT = { max: 30, perMs: 1000 };

const num = (v: unknown) =>
  typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;

/**
 * The Bot API methods the plugin uses, over in-memory chats, with Telegram's validations and
 * error descriptions (https://core.telegram.org/bots/api).
 */
export class FakeBotApi {
  readonly users = new Map<number | string, FakeUser>();
  readonly groups = new Map<number, FakeGroup>();
  readonly messages: SentMessage[] = [];
  readonly links: CreatedLink[] = [];
  readonly memberActions: MemberAction[] = [];
  readonly answeredCallbacks: string[] = [];
  /** Telegram's flood control; a test that wants to see raw sends switches it off. */
  floodControl = true;
  private readonly groupWindows = new Map<number, SlidingWindow>();
  private readonly botWindow = new SlidingWindow(BOT_LIMIT.max, BOT_LIMIT.perMs);
  private nextMessageId = 1;

  addUser(
    id: number | string,
    firstName: string,
    options: Partial<Pick<FakeUser, 'started' | 'blocked'>> = {},
  ) {
    const user: FakeUser = { id, first_name: firstName, started: true, blocked: false, ...options };
    this.users.set(id, user);
    return user;
  }

  addGroup(id: number, title: string): FakeGroup {
    const group = { id, title };
    this.groups.set(id, group);
    return group;
  }

  call(method: string, params: Params, now: number): unknown {
    switch (method) {
      case 'getMe':
        return {
          ...BOT,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case 'sendMessage':
        return this.send(params, now, 'text');
      case 'sendPhoto':
        return this.send(params, now, 'photo');
      case 'createChatInviteLink':
        return this.createLink(params);
      case 'restrictChatMember':
      case 'banChatMember':
      case 'unbanChatMember':
        return this.memberAction(method, params);
      case 'answerCallbackQuery':
        this.answeredCallbacks.push(String(params.callback_query_id));
        return true;
      default:
        throw new BotApiError(404, 'Not Found');
    }
  }

  private chat(idParam: unknown): { id: number | string; type: 'private' | 'supergroup' } {
    const id = num(idParam);
    if (typeof id === 'number' && this.groups.has(id)) return { id, type: 'supergroup' };
    const user = this.users.get(id as number | string);
    if (user === undefined) throw BotApiError.badRequest('chat not found');
    if (user.blocked) throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
    if (!user.started) throw new BotApiError(403, "Forbidden: bot can't initiate conversation with a user");
    return { id: user.id, type: 'private' };
  }

  private checkKeyboard(markup: unknown): SentMessage['reply_markup'] {
    if (markup === undefined || markup === null) return null;
    const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
    if (!Array.isArray(rows)) throw BotApiError.badRequest("can't parse reply keyboard markup JSON object");
    for (const row of rows) {
      if (!Array.isArray(row))
        throw BotApiError.badRequest(
          'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
        );
      for (const b of row as { text?: unknown; url?: unknown; callback_data?: unknown }[]) {
        if (typeof b.text !== 'string' || b.text === '')
          throw BotApiError.badRequest('text buttons are unallowed in the inline keyboard');
        if (b.url === undefined && b.callback_data === undefined)
          throw BotApiError.badRequest('BUTTON_TYPE_INVALID');
        const data = b.callback_data;
        if (
          data !== undefined &&
          (typeof data !== 'string' || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64)
        )
          throw BotApiError.badRequest('BUTTON_DATA_INVALID');
      }
    }
    return markup as SentMessage['reply_markup'];
  }

  private flood(chat: { id: number | string; type: string }, now: number): void {
    if (!this.floodControl) return;
    const waits = [this.botWindow.waitMs(now)];
    let groupWindow: SlidingWindow | undefined;
    if (chat.type !== 'private' && typeof chat.id === 'number') {
      groupWindow = this.groupWindows.get(chat.id) ?? new SlidingWindow(GROUP_LIMIT.max, GROUP_LIMIT.perMs);
      this.groupWindows.set(chat.id, groupWindow);
      waits.push(groupWindow.waitMs(now));
    }
    const wait = Math.max(...waits);
    if (wait > 0) throw BotApiError.tooManyRequests(Math.ceil(wait / 1000));
    this.botWindow.record(now);
    groupWindow?.record(now);
  }

  private send(params: Params, now: number, kind: 'text' | 'photo') {
    const chat = this.chat(params.chat_id);
    let text: string;
    let photo: string | null = null;
    if (kind === 'text') {
      text = typeof params.text === 'string' ? params.text : '';
      if (text.trim() === '') throw BotApiError.badRequest('message text is empty');
      if (text.length > 4096) throw BotApiError.badRequest('message is too long');
    } else {
      if (typeof params.photo !== 'string' || params.photo === '')
        throw BotApiError.badRequest('there is no photo in the request');
      photo = params.photo;
      text = typeof params.caption === 'string' ? params.caption : '';
      if (text.length > 1024) throw BotApiError.badRequest('message caption is too long');
    }
    const reply_markup = this.checkKeyboard(params.reply_markup);
    this.flood(chat, now);
    const message: SentMessage = {
      message_id: this.nextMessageId++,
      chat_id: chat.id,
      text,
      photo,
      reply_markup,
      at: now,
    };
    this.messages.push(message);
    return {
      message_id: message.message_id,
      from: BOT,
      chat:
        chat.type === 'private'
          ? { id: chat.id, type: 'private', first_name: this.users.get(chat.id)?.first_name }
          : { id: chat.id, type: 'supergroup', title: this.groups.get(chat.id as number)?.title },
      date: Math.floor(now / 1000),
      ...(kind === 'text'
        ? { text }
        : {
            photo: [{ file_id: photo, file_unique_id: photo, width: 1, height: 1 }],
            caption: text || undefined,
          }),
      ...(reply_markup === null ? {} : { reply_markup }),
    };
  }

  private group(idParam: unknown): FakeGroup {
    const id = num(idParam);
    const group = typeof id === 'number' ? this.groups.get(id) : undefined;
    if (group === undefined) throw BotApiError.badRequest('chat not found');
    return group;
  }

  private createLink(params: Params) {
    const group = this.group(params.chat_id);
    const name = typeof params.name === 'string' ? params.name : null;
    if (name !== null && name.length > 32) throw BotApiError.badRequest('INVITE_LINK_NAME_INVALID');
    const creates_join_request = params.creates_join_request === true;
    if (creates_join_request && params.member_limit !== undefined)
      throw BotApiError.badRequest(
        "member limit can't be specified for links requiring administrator approval",
      );
    const link: CreatedLink = {
      chat_id: group.id,
      invite_link: `https://t.me/+${randomBytes(12).toString('base64url')}`,
      name,
      creates_join_request,
    };
    this.links.push(link);
    return this.linkObject(link);
  }

  /** A ChatInviteLink object as updates and createChatInviteLink carry it. */
  linkObject(link: CreatedLink) {
    return {
      invite_link: link.invite_link,
      creator: BOT,
      creates_join_request: link.creates_join_request,
      is_primary: false,
      is_revoked: false,
      ...(link.name === null ? {} : { name: link.name }),
    };
  }

  private memberAction(method: MemberAction['method'], params: Params) {
    const group = this.group(params.chat_id);
    const user = num(params.user_id);
    if (typeof user !== 'number') throw BotApiError.badRequest('invalid user_id specified');
    if (
      method === 'restrictChatMember' &&
      (typeof params.permissions !== 'object' || params.permissions === null)
    )
      throw BotApiError.badRequest('field "permissions" must be of type Object');
    this.memberActions.push({ method, chat_id: group.id, user_id: user, params });
    return true;
  }
}
