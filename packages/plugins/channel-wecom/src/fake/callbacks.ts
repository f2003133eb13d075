import { randomBytes } from 'node:crypto';
import type { WebhookRequest } from '@kith/sdk';
import { webhookRequest } from '@kith/sdk/webhook';
import { encryptMessage, msgSignature, type WeComKeys } from '../crypto/wxbiz-msg-crypt.js';
import type { Clock } from './server.js';

type Value = string | number | readonly string[];

/** `<![CDATA[…]]>`, splitting any `]]>` inside the text the standard way. */
const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** A flat WeCom message: numbers bare, strings as CDATA, lists as `<Item>`s. */
export function callbackXml(values: Readonly<Record<string, Value>>): string {
  const body = Object.entries(values)
    .map(([k, v]) => {
      if (typeof v === 'number') return `<${k}>${v}</${k}>`;
      if (typeof v === 'string') return `<${k}>${cdata(v)}</${k}>`;
      return `<${k}>${v.map((item) => `<Item>${cdata(item)}</Item>`).join('')}</${k}>`;
    })
    .join('');
  return `<xml>${body}</xml>`;
}

export interface SignedCallback {
  request: WebhookRequest;
  /** The plaintext message inside, for assertions. */
  message: string;
}

/**
 * Callbacks as WeCom sends them to an app's URL (接收消息与事件): the message encrypted with
 * WXBizMsgCrypt, POSTed in an `<xml><ToUserName/><Encrypt/><AgentID/></xml>` envelope, with
 * msg_signature, timestamp and nonce in the query; and the GET that verifies the URL.
 */
export class CallbackFactory {
  private seq = 0;

  constructor(
    private readonly keys: WeComKeys,
    private readonly clock: Clock,
    private readonly agentId = '1000002',
  ) {}

  /** Seconds, as WeCom writes CreateTime and timestamp. */
  now = () => Math.floor(this.clock.now() / 1000);

  private signed(cipher: string, opts: { timestamp?: number; nonce?: string }) {
    const timestamp = String(opts.timestamp ?? this.now());
    const nonce = opts.nonce ?? String(1_000_000_000 + Number.parseInt(randomBytes(3).toString('hex'), 16));
    const signature = msgSignature(this.keys.token, timestamp, nonce, cipher);
    return { timestamp, nonce, msg_signature: signature };
  }

  post(message: string, opts: { timestamp?: number; nonce?: string; keys?: WeComKeys } = {}): SignedCallback {
    const keys = opts.keys ?? this.keys;
    const cipher = encryptMessage(keys, message);
    const query = this.signed(cipher, opts);
    const envelope = callbackXml({ ToUserName: keys.receiveId, Encrypt: cipher, AgentID: this.agentId });
    return {
      message,
      request: webhookRequest({
        method: 'POST',
        path: '/',
        query,
        headers: { 'content-type': 'text/xml' },
        body: envelope,
      }),
    };
  }

  /** The URL check WeCom makes when an admin saves the callback settings. */
  verifyUrl(echo = String(Date.now()) + String(++this.seq)): SignedCallback {
    const cipher = encryptMessage(this.keys, echo);
    const query = { ...this.signed(cipher, {}), echostr: cipher };
    return { message: echo, request: webhookRequest({ method: 'GET', path: '/', query }) };
  }

  /** 接收普通消息 (text) from a member to the app. */
  text(from: string, content: string): SignedCallback {
    const t = this.now();
    return this.post(
      callbackXml({
        ToUserName: this.keys.receiveId,
        FromUserName: from,
        CreateTime: t,
        MsgType: 'text',
        Content: content,
        MsgId: String(7_000_000_000_000_000 + t * 1000 + ++this.seq),
        AgentID: Number(this.agentId),
      }),
    );
  }

  /** 添加企业客户事件: `external` added staff member `user` through a 「联系我」 code with this state. */
  contactAdded(user: string, external: string, state: string | null): SignedCallback {
    return this.post(
      callbackXml({
        ToUserName: this.keys.receiveId,
        FromUserName: 'sys',
        CreateTime: this.now(),
        MsgType: 'event',
        Event: 'change_external_contact',
        ChangeType: 'add_external_contact',
        UserID: user,
        ExternalUserID: external,
        ...(state === null ? {} : { State: state }),
        WelcomeCode: `WELCOME${++this.seq}`,
      }),
    );
  }

  /** 删除跟进成员事件: the customer deleted the staff member. */
  contactDropped(user: string, external: string): SignedCallback {
    return this.post(
      callbackXml({
        ToUserName: this.keys.receiveId,
        FromUserName: 'sys',
        CreateTime: this.now(),
        MsgType: 'event',
        Event: 'change_external_contact',
        ChangeType: 'del_follow_user',
        UserID: user,
        ExternalUserID: external,
      }),
    );
  }

  /** 客户群变更事件 for members joining (add_member) or leaving (del_member) a customer group. */
  chatMembers(
    chatId: string,
    detail: 'add_member' | 'del_member',
    members: readonly string[],
    opts: { scene?: number; withList?: boolean } = {},
  ): SignedCallback {
    const version = randomBytes(16).toString('hex');
    return this.post(
      callbackXml({
        ToUserName: this.keys.receiveId,
        FromUserName: 'sys',
        CreateTime: this.now(),
        MsgType: 'event',
        Event: 'change_external_chat',
        ChatId: chatId,
        ChangeType: 'update',
        UpdateDetail: detail,
        ...(detail === 'add_member' ? { JoinScene: opts.scene ?? 3 } : { QuitScene: opts.scene ?? 0 }),
        MemChangeCnt: members.length,
        ...(opts.withList === false ? {} : { MemChangeList: members }),
        LastMemVer: randomBytes(16).toString('hex'),
        CurMemVer: version,
      }),
    );
  }
}
