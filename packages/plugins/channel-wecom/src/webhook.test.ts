import { type KvStore, memoryKv, type PluginClock } from '@kith/sdk';
import { createTestContext } from '@kith/sdk/testing';
import { webhookRequest } from '@kith/sdk/webhook';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encryptMessage, msgSignature } from './crypto/wxbiz-msg-crypt.js';
import { CallbackFactory, FAKE_GROUP, type FakeWeCom, fakeWeCom } from './fake/index.js';
import { wecomChannel } from './plugin.js';

const hook = wecomChannel.capabilities.channel!.webhook!;
let fake: FakeWeCom;
let kv: KvStore;
beforeEach(async () => {
  fake = await fakeWeCom();
  kv = memoryKv();
});
afterEach(() => fake.close?.());

const ctx = (extra: Record<string, unknown> = {}, clock?: PluginClock) =>
  createTestContext(wecomChannel, { ...fake.config, ...extra }, { kv, clock });

async function accept(request: Parameters<typeof hook.verify>[1]) {
  expect(await hook.verify(ctx(), request)).toEqual({ ok: true });
  return hook.parse(ctx(), request);
}

describe('wecom callback URL verification (GET)', () => {
  it('answers the official sample’s echostr with its plaintext', async () => {
    // 加解密方案说明 / official samples: VerifyURL with these values decrypts to 1616140317555161061.
    const official = {
      corpId: 'wx5823bf96d3bd56c7',
      callbackToken: 'QDG6eK',
      encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
    };
    const request = webhookRequest({
      method: 'GET',
      query: {
        msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
        timestamp: '1409659589',
        nonce: '263014780',
        // A query parser may turn the '+' of base64 into spaces; the plugin puts them back.
        echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp 4RPcs8TgAE7OaBO FZXvnaqQ==',
      },
    });
    const then = { now: () => 1409659589_000 + 2000 };
    expect(await hook.verify(ctx(official, then), request)).toEqual({ ok: true });
    expect((await hook.parse(ctx(official, then), request)).reply).toMatchObject({
      status: 200,
      body: '1616140317555161061',
    });
    expect(await hook.verify(ctx(official), request)).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('answers the fake’s URL check too, and refuses it with a wrong token', async () => {
    const check = fake.callbacks.verifyUrl('echo-4242');
    expect((await accept(check.request)).reply?.body).toBe('echo-4242');
    expect(await hook.verify(ctx({ callbackToken: 'another' }), check.request)).toMatchObject({
      reason: 'bad-signature',
    });
  });
});

describe('wecom callback verification (POST)', () => {
  it('refuses a bad signature, a missing one, and stale or future timestamps', async () => {
    const { request, message } = fake.callbacks.text('zhangsan', 'hi');
    expect(await hook.verify(ctx(), fake.forge(request))).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    const { msg_signature: _, ...unsigned } = request.query;
    expect(await hook.verify(ctx(), { ...request, query: unsigned })).toMatchObject({
      reason: 'missing-signature',
    });
    const now = fake.callbacks.now();
    for (const timestamp of [now - 301, now + 301]) {
      const old = fake.callbacks.post(message, { timestamp });
      expect(await hook.verify(ctx(), old.request)).toMatchObject({ ok: false, reason: 'stale' });
    }
    expect(await hook.verify(ctx(), fake.callbacks.post(message, { timestamp: now - 290 }).request)).toEqual({
      ok: true,
    });
  });

  it('refuses a replayed nonce, and a message encrypted for another corp', async () => {
    const { request, message } = fake.callbacks.text('zhangsan', 'hi');
    expect(await hook.verify(ctx(), request)).toEqual({ ok: true });
    expect(await hook.verify(ctx(), request)).toMatchObject({ ok: false, reason: 'replayed' });
    const otherCorp = fake.callbacks.post(message, { keys: { ...fake.keys, receiveId: 'wwSomeoneElse' } });
    expect(await hook.verify(ctx(), otherCorp.request)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
      message: expect.stringMatching(/receiveid/),
    });
  });

  it('refuses envelopes that are not plain XML with an <Encrypt>, DTDs included', async () => {
    const { request } = fake.callbacks.text('zhangsan', 'hi');
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>`;
    for (const body of [xxe, '<xml><ToUserName>x</ToUserName></xml>', 'not xml'])
      expect(await hook.verify(ctx(), { ...request, body: Buffer.from(body) })).toMatchObject({
        ok: false,
        reason: 'malformed',
      });
  });

  it('refuses a ciphertext that is signed but does not decrypt with our key', async () => {
    const garbage = encryptMessage({ ...fake.keys, encodingAesKey: 'b'.repeat(43) }, '<xml/>');
    const factory = new CallbackFactory(fake.keys, { now: () => Date.now() });
    const signed = factory.post('<xml/>');
    const envelope = `<xml><Encrypt><![CDATA[${garbage}]]></Encrypt></xml>`;
    // Re-sign the foreign ciphertext with our token: authentic-looking, but not ours to read.
    const query = {
      ...signed.request.query,
      msg_signature: msgSignature(
        fake.keys.token,
        signed.request.query.timestamp!,
        signed.request.query.nonce!,
        garbage,
      ),
    };
    expect(await hook.verify(ctx(), { ...signed.request, query, body: Buffer.from(envelope) })).toMatchObject(
      { ok: false, reason: 'malformed' },
    );
  });

  it('refuses everything when callbacks are not configured', async () => {
    const { request } = fake.callbacks.text('zhangsan', 'hi');
    expect(await hook.verify(ctx({ encodingAesKey: undefined }), request)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('wecom callbacks → events', () => {
  it('maps an app text message with its MsgId as the id, and answers with an empty 200', async () => {
    const parsed = await accept(fake.callbacks.text('zhangsan', '你好').request);
    expect(parsed.events).toEqual([
      {
        id: expect.stringMatching(/^msg:\d+$/),
        type: 'message.received',
        at: expect.any(Number),
        address: 'zhangsan',
        group: null,
        data: { text: '你好', messageId: expect.any(String) },
      },
    ]);
    expect(parsed.reply).toMatchObject({ status: 200, body: '' });
  });

  it('maps change_external_chat add_member to one member.joined per member, ids from ChatId + CurMemVer', async () => {
    const cb = fake.callbacks.chatMembers(FAKE_GROUP, 'add_member', ['wmA', 'wmB'], { scene: 1 });
    const version = /<CurMemVer><!\[CDATA\[(\w+)]]>/.exec(cb.message)![1];
    const { events } = await accept(cb.request);
    expect(events.map((e) => [e.id, e.type, e.address, e.group, e.data.scene])).toEqual([
      [`chat:${FAKE_GROUP}:${version}:wmA`, 'member.joined', 'wmA', FAKE_GROUP, 'link'],
      [`chat:${FAKE_GROUP}:${version}:wmB`, 'member.joined', 'wmB', FAKE_GROUP, 'link'],
    ]);
    // The same event, delivered again in a fresh envelope, has the same ids.
    const again = await accept(fake.callbacks.post(cb.message).request);
    expect(again.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('maps del_member to member.left, and a change without MemChangeList to one event with the count', async () => {
    const left = await accept(
      fake.callbacks.chatMembers(FAKE_GROUP, 'del_member', ['wmA'], { scene: 1 }).request,
    );
    expect(left.events[0]).toMatchObject({
      type: 'member.left',
      address: 'wmA',
      data: { scene: 'removed', count: 1 },
    });
    const anonymous = await accept(
      fake.callbacks.chatMembers(FAKE_GROUP, 'add_member', ['wmA', 'wmB', 'wmC'], { withList: false })
        .request,
    );
    expect(anonymous.events).toMatchObject([
      { type: 'member.joined', address: null, group: FAKE_GROUP, data: { count: 3, scene: 'qr' } },
    ]);
  });

  it('ignores events Kith does not track', async () => {
    const other = fake.callbacks.post(
      '<xml><ToUserName><![CDATA[x]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event></xml>',
    );
    expect((await accept(other.request)).events).toEqual([]);
    expect(await accept(fake.callbacks.post('<xml><Content>unclosed').request)).toMatchObject({
      events: [],
      reply: { status: 200 },
    });
  });
});
