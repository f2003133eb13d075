import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../channel/types.js';
import { resolveConfig } from '../config/resolve-config.js';
import { contextIncompatibility } from '../context/compat.js';
import { memoryKv } from '../context/memory-kv.js';
import type { KvStore, LogEntry, PluginClock, PluginContext } from '../context/types.js';
import { isPluginError, type PluginError, type PluginErrorKind } from '../errors/plugin-error.js';
import { pluginCatalogueEntry } from '../plugin/catalogue.js';
import type { Plugin, PluginConfig } from '../plugin/types.js';
import type { InboundEvent, WebhookRequest } from '../webhook/types.js';
import type { FakeHappening, FakeProvider } from './fake-provider.js';
import { createTestContext } from './test-context.js';

export interface ContractOptions {
  /** The clock the plugin sees (default: real time, which real local servers also use). */
  clock?: PluginClock;
}

function message(
  to: OutboundMessage['to'],
  text: string,
  buttons: OutboundMessage['buttons'] = [],
): OutboundMessage {
  return { to, text, subject: null, html: null, image: null, buttons };
}

async function rejection(p: Promise<unknown>): Promise<PluginError> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error('expected the call to fail, but it succeeded');
  if (!isPluginError(error)) throw new Error(`expected a PluginError, got: ${String(error)}`);
  return error;
}

/** Required config fields without a default: each, left out, must be refused. */
function requiredFields(plugin: Plugin): string[] {
  const schema = plugin.config as { required?: string[]; properties: Record<string, { default?: unknown }> };
  return (schema.required ?? []).filter((k) => schema.properties[k]?.default === undefined);
}

/**
 * The contract every channel plugin passes: run it in the plugin's own test file against a fake
 * of its provider. Cases the channel does not claim (buttons, groups, inbound kinds the provider
 * never reports) are skipped, not failed.
 *
 * @example
 * channelContractSuite('telegram', () => telegram, () => fakeTelegram());
 */
export function channelContractSuite(
  name: string,
  makePlugin: () => Plugin | Promise<Plugin>,
  makeFakeProvider: () => FakeProvider | Promise<FakeProvider>,
  options: ContractOptions = {},
): void {
  describe(`${name}: channel contract`, () => {
    let plugin: Plugin;
    let fake: FakeProvider;
    let kv: KvStore;
    let logs: LogEntry[];
    let seq = 0;

    beforeEach(async () => {
      plugin = await makePlugin();
      fake = await makeFakeProvider();
      kv = memoryKv(options.clock);
      logs = [];
    });
    afterEach(async () => {
      await fake.close?.();
    });

    const ctx = (): PluginContext<PluginConfig> =>
      createTestContext(plugin, fake.config, {
        fetch: fake.fetch,
        clock: options.clock,
        kv,
        logs,
        idempotencyKey: `contract-${++seq}`,
      });
    const channel = () => {
      const c = plugin.capabilities.channel;
      if (c === null) throw new Error(`${plugin.name} declares no channel capability`);
      return c;
    };
    const toMember = (): OutboundMessage['to'] => ({
      kind: 'member',
      member: fake.member.id,
      address: fake.member.address,
    });
    /** A recipient the channel can address: the member, or the group for group-only channels. */
    const anyTarget = (): OutboundMessage['to'] =>
      channel().targets.includes('member') || fake.group === null
        ? toMember()
        : { kind: 'group', group: fake.group, pool: null };

    /** Verifies and parses what the provider sends for `h`; null when the fake can't produce it. */
    async function receive(
      h: FakeHappening,
    ): Promise<{ request: WebhookRequest; events: InboundEvent[] } | null> {
      const webhook = channel().webhook;
      if (webhook === undefined) return null;
      const request = await fake.inbound(h);
      if (request === null) return null;
      const verified = await webhook.verify(ctx(), request);
      expect(verified, 'a webhook signed by the provider verifies').toEqual({ ok: true });
      const parsed = await webhook.parse(ctx(), request);
      const declared = plugin.capabilities.triggers.map((t) => t.event);
      for (const e of parsed.events) {
        expect(e.id, 'event ids are non-empty strings').toMatch(/\S/);
        expect(declared, `event type ${e.type} is declared in capabilities.triggers`).toContain(e.type);
        expect(Number.isFinite(e.at)).toBe(true);
      }
      return { request, events: parsed.events };
    }

    async function failWith(kind: PluginErrorKind, failure: Parameters<FakeProvider['failNext']>[0]) {
      fake.failNext(failure);
      const e = await rejection(channel().send(ctx(), message(anyTarget(), 'hello')));
      expect(e.kind).toBe(kind);
      return e;
    }

    it('is a channel plugin this runtime can load', () => {
      expect(plugin.capabilities.channel).not.toBeNull();
      expect(contextIncompatibility(plugin)).toBeNull();
      const entry = pluginCatalogueEntry(plugin);
      expect(JSON.parse(JSON.stringify(entry))).toEqual(entry);
      expect(entry.capabilities.channel?.targets.length).toBeGreaterThan(0);
    });

    it('accepts the fake provider config and rejects each missing required field', (t) => {
      expect(resolveConfig(plugin, fake.config)).toMatchObject({ ok: true });
      const required = requiredFields(plugin);
      if (required.length === 0) t.skip('the config has no required fields');
      for (const key of required) {
        const { [key]: _, ...rest } = fake.config;
        const r = resolveConfig(plugin, rest);
        expect(r.ok, `config without ${key} is refused`).toBe(false);
        if (!r.ok) expect(r.issues.map((i) => i.path)).toContain(`/${key}`);
      }
    });

    it('sends text to a member', async (t) => {
      if (!channel().targets.includes('member')) t.skip('the channel cannot address members');
      const r = await channel().send(ctx(), message(toMember(), 'Welcome to the club'));
      expect(r.providerMessageId).toMatch(/\S/);
      const got = await fake.received();
      expect(got.at(-1)).toMatchObject({
        to: { kind: 'member', address: fake.member.address },
        text: 'Welcome to the club',
      });
    });

    it('sends buttons', async (t) => {
      if (!channel().formats?.includes('buttons')) t.skip('the channel does not render buttons');
      const buttons = [
        { text: 'Yes', value: 'yes', url: null },
        { text: 'Read more', value: null, url: 'https://example.org/more' },
      ];
      await channel().send(ctx(), message(anyTarget(), 'Coming on Friday?', buttons));
      const got = (await fake.received()).at(-1);
      expect(got?.text).toBe('Coming on Friday?');
      expect(got?.buttons.map((b) => b.text)).toEqual(['Yes', 'Read more']);
      expect(got?.buttons[0]?.value).toBe('yes');
      expect(got?.buttons[1]?.url).toBe('https://example.org/more');
    });

    it('sends to a group', async (t) => {
      if (!channel().targets.includes('group') || fake.group === null) t.skip('the channel has no groups');
      const r = await channel().send(
        ctx(),
        message({ kind: 'group', group: fake.group!, pool: null }, 'Morning, all'),
      );
      expect(r.providerMessageId).toMatch(/\S/);
      expect((await fake.received()).at(-1)).toMatchObject({
        to: { kind: 'group', group: fake.group },
        text: 'Morning, all',
      });
    });

    it('creates invite links that carry their attribution back on join', async () => {
      const a = await channel().createInvite(ctx(), {
        member: fake.member.id,
        group: fake.group,
        attribution: { referrer: 'ann' },
      });
      const b = await channel().createInvite(ctx(), {
        member: fake.member.id,
        group: fake.group,
        attribution: { referrer: 'bob' },
      });
      expect(() => new URL(a.url)).not.toThrow();
      expect(a.code).toMatch(/\S/);
      expect(b.code, 'different attributions get different codes').not.toBe(a.code);
      const joined = await receive({
        type: 'member.joined',
        address: 'newcomer-1',
        group: fake.group,
        invite: a.code,
      });
      if (joined === null) return; // the provider does not report joins: the code is the whole contract
      const e = joined.events.find((x) => x.type === 'member.joined');
      expect(e?.address).toBe('newcomer-1');
      expect(e?.data.invite).toBe(a.code);
    });

    it('turns a verified inbound message into message.received with a stable id', async (t) => {
      const r = await receive({
        type: 'message.received',
        address: fake.member.address,
        text: 'Due in May!',
      });
      if (r === null) t.skip('the channel has no inbound messages');
      const e = r!.events.find((x) => x.type === 'message.received');
      expect(e).toMatchObject({ address: fake.member.address, data: { text: 'Due in May!' } });
    });

    it('turns a button click into button.clicked with its value', async (t) => {
      const r = await receive({ type: 'button.clicked', address: fake.member.address, value: 'yes' });
      if (r === null) t.skip('the provider does not report clicks');
      expect(r!.events.find((x) => x.type === 'button.clicked')).toMatchObject({
        address: fake.member.address,
        data: { value: 'yes' },
      });
    });

    it('reports members leaving', async (t) => {
      const r = await receive({ type: 'member.left', address: fake.member.address, group: fake.group });
      if (r === null) t.skip('the provider does not report leaves');
      expect(r!.events.find((x) => x.type === 'member.left')).toMatchObject({ address: fake.member.address });
    });

    it('gives a redelivered webhook the same event ids, and different events different ids', async (t) => {
      const first = await receive({ type: 'message.received', address: fake.member.address, text: 'one' });
      if (first === null) t.skip('the channel has no inbound messages');
      const webhook = channel().webhook!;
      const again = await webhook.parse(ctx(), first!.request);
      expect(again.events.map((e) => e.id)).toEqual(first!.events.map((e) => e.id));
      const second = await receive({ type: 'message.received', address: fake.member.address, text: 'two' });
      const ids = new Set(first!.events.map((e) => e.id));
      for (const e of second!.events) expect(ids.has(e.id)).toBe(false);
    });

    it('rejects a webhook with a bad signature', async (t) => {
      const webhook = channel().webhook;
      const request =
        webhook &&
        (await fake.inbound({ type: 'message.received', address: fake.member.address, text: 'x' }));
      if (!webhook || !request) t.skip('the channel has no inbound webhook');
      const verified = await webhook!.verify(ctx(), fake.forge(request!));
      expect(verified.ok).toBe(false);
    });

    it("maps the provider's 429 to rate-limited with retryAfterMs", async () => {
      const e = await failWith('rate-limited', { kind: 'rate-limited', retryAfterMs: 7000 });
      expect(e.retryAfterMs).toBeGreaterThanOrEqual(7000);
      expect(e.retryAfterMs).toBeLessThanOrEqual(8000);
    });

    it('maps a 5xx to transient', async () => {
      await failWith('transient', { kind: 'server-error' });
    });

    it('maps rejected credentials to auth', async () => {
      await failWith('auth', { kind: 'auth' });
    });

    it('never logs a secret value', async () => {
      await channel()
        .send(ctx(), message(anyTarget(), 'hello'))
        .catch(() => undefined);
      const resolved = resolveConfig(plugin, fake.config);
      const secrets = resolved.ok ? resolved.secrets.filter((s) => s.length >= 4) : [];
      const text = JSON.stringify(logs);
      for (const s of secrets) expect(text).not.toContain(s);
    });
  });
}
