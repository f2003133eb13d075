import { Type } from '@sinclair/typebox';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { EchoConfig, echoDefinition, shout } from '../__fixtures__/echo-plugin.js';
import type { PluginContext } from '../context/types.js';
import { defineAction } from './action.js';
import { definePlugin } from './define-plugin.js';
import { DefinitionError } from './definition-error.js';

/** The definition's identity alone, to pair with another config schema. */
const identity = () => {
  const { name, version, displayName, description, contextVersion } = echoDefinition();
  return { name, version, displayName, description, contextVersion };
};

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DefinitionError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a DefinitionError');
}

describe('definePlugin', () => {
  it('returns a frozen plugin with limits normalised to milliseconds', () => {
    const p = definePlugin(echoDefinition());
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.capabilities)).toBe(true);
    expect(Object.isFrozen(p.config)).toBe(true);
    expect(p.rateLimits).toEqual([
      { name: 'per-group', max: 2, perMs: 60_000, scope: 'group', counts: 'messages', description: null },
      { name: 'overall', max: 5, perMs: 1000, scope: 'connection', counts: 'messages', description: null },
    ]);
    expect(Object.keys(p.capabilities.actions)).toEqual(['shout']);
    expect(p.capabilities.triggers.map((t) => t.event)).toEqual(['message.received']);
  });

  it('types ctx.config from the config schema', () => {
    const def = echoDefinition();
    definePlugin({
      ...def,
      capabilities: {
        channel: {
          ...def.capabilities.channel!,
          async send(ctx) {
            expectTypeOf(ctx.config.token).toEqualTypeOf<string>();
            expectTypeOf(ctx.config.greeting).toEqualTypeOf<string | undefined>();
            return { providerMessageId: 'x' };
          },
        },
      },
    });
  });

  it('rejects a bad name, version, display name and description at once', () => {
    const p = problems(() =>
      definePlugin({
        ...echoDefinition(),
        name: 'Tele Gram',
        version: '1.0',
        displayName: '',
        description: ' ',
      }),
    );
    expect(p).toHaveLength(4);
    expect(p[0]).toMatch(/name 'Tele Gram'/);
    expect(p[1]).toMatch(/version '1.0' is not an exact semver/);
  });

  it('accepts scoped npm names', () => {
    expect(definePlugin({ ...echoDefinition(), name: '@acme/kith-channel-line' }).name).toBe(
      '@acme/kith-channel-line',
    );
  });

  it('rejects a channel without send or createInvite, and without targets', () => {
    const def = echoDefinition();
    const channel = { ...def.capabilities.channel!, targets: [] } as Record<string, unknown>;
    delete channel.send;
    delete channel.createInvite;
    const p = problems(() => definePlugin({ ...def, capabilities: { channel: channel as never } }));
    expect(p).toEqual([
      'channel.send(ctx, message) is required',
      'channel.createInvite(ctx, request) is required',
      "channel.targets must list at least one of 'member', 'group'",
    ]);
  });

  it('rejects a webhook without verify', () => {
    const def = echoDefinition();
    const channel = {
      ...def.capabilities.channel!,
      webhook: { parse: async () => ({ events: [] }) } as never,
    };
    expect(problems(() => definePlugin({ ...def, capabilities: { channel } }))).toEqual([
      'channel.webhook.verify(ctx, request) is required: never parse an unverified webhook',
    ]);
  });

  it('rejects duplicate action names and actions written for another config', () => {
    const other = defineAction({
      config: Type.Object({}),
      name: 'shout',
      description: 'Another shout.',
      input: Type.Object({}),
      async run() {
        return null;
      },
    });
    const p = problems(() =>
      definePlugin({ ...echoDefinition(), capabilities: { actions: [shout, other as never] } }),
    );
    expect(p).toContain("duplicate action name 'shout'");
    expect(p).toContain("action 'shout' was defined with a different config schema than the plugin's");
  });

  it('rejects rate limits that are zero, negative, unreadable or unscoped', () => {
    const p = problems(() =>
      definePlugin({
        ...echoDefinition(),
        rateLimits: [
          { max: 0, per: '1m', scope: 'group' },
          { name: 'b', max: 5, per: -1, scope: 'connection' },
          { name: 'c', max: 5, per: 'soon', scope: 'connection' },
          { name: 'd', max: 5, per: '1s', scope: 'planet' as never },
        ],
      }),
    );
    expect(p).toEqual([
      'rateLimits[0].max must be a positive integer, got 0',
      "rateLimits[1].per must be a positive duration ('1s', '1m') or ms, got '-1'",
      "rateLimits[2].per must be a positive duration ('1s', '1m') or ms, got 'soon'",
      "rateLimits[3].scope must be one of connection, group, recipient, got 'planet'",
    ]);
  });

  it('rejects duplicate rate limit names', () => {
    const p = problems(() =>
      definePlugin({
        ...echoDefinition(),
        rateLimits: [
          { max: 1, per: '1s', scope: 'group' },
          { max: 20, per: '1m', scope: 'group' },
        ],
      }),
    );
    expect(p).toEqual(["duplicate rate limit name 'group' (name limits that share a scope)"]);
  });

  it('rejects undocumented config fields, non-string secrets and secrets with defaults', () => {
    const config = Type.Object({
      plain: Type.String(),
      key: Type.Number({ description: 'x', 'x-kith-secret': true }),
      token: Type.String({ description: 'x', 'x-kith-secret': true, default: 'abc' }),
    });
    const p = problems(() =>
      definePlugin({
        ...identity(),
        config,
        capabilities: { triggers: [{ event: 'a.b', description: 'x' }] },
      }),
    );
    expect(p).toEqual([
      "config.plain needs a description (it labels the editor's form field)",
      'config.key is marked secret but is not a string',
      'config.token is a secret and must not have a default',
    ]);
  });

  it('rejects a config that is not an object schema', () => {
    expect(problems(() => definePlugin({ ...echoDefinition(), config: Type.String() as never }))).toContain(
      'config must be an object schema: Type.Object({...}) (use Type.Object({}) for none)',
    );
  });

  it('rejects a plugin with no capabilities', () => {
    expect(problems(() => definePlugin({ ...echoDefinition(), capabilities: {} }))).toEqual([
      'capabilities must declare at least one of channel, payment, actions, triggers',
    ]);
  });

  it('rejects a context version newer than the SDK', () => {
    expect(problems(() => definePlugin({ ...echoDefinition(), contextVersion: 2 }))).toEqual([
      "contextVersion 2 is newer than this SDK's (1): upgrade @kith/sdk",
    ]);
  });

  it('rejects bad trigger names and duplicates', () => {
    const p = problems(() =>
      definePlugin({
        ...echoDefinition(),
        capabilities: {
          triggers: [
            { event: 'Joined', description: 'x' },
            { event: 'a.b', description: 'x' },
            { event: 'a.b', description: '' },
          ],
        },
      }),
    );
    expect(p).toEqual([
      "trigger event 'Joined' must be a dotted name like 'member.joined'",
      "duplicate trigger event 'a.b'",
      "trigger 'a.b' needs a description",
    ]);
  });

  it('formats one problem on one line and several as a list', () => {
    expect(() => definePlugin({ ...echoDefinition(), version: 'x' })).toThrow(
      /^definePlugin\(echo\): version 'x'/,
    );
    expect(() => definePlugin({ ...echoDefinition(), version: 'x', displayName: '' })).toThrow(
      /2 problems:\n {2}- /,
    );
  });
});

describe('defineAction', () => {
  it('types input from the schema', () => {
    defineAction({
      config: EchoConfig,
      name: 'typed',
      description: 'Types.',
      input: Type.Object({ n: Type.Integer({ description: 'n' }) }),
      async run(ctx: PluginContext<{ token: string; baseUrl: string; greeting?: string }>, input) {
        expectTypeOf(input.n).toEqualTypeOf<number>();
        return ctx.config.token;
      },
    });
  });

  it('rejects a bad name, a missing description and a non-object input', () => {
    expect(() =>
      defineAction({
        config: EchoConfig,
        name: 'Bad Name',
        description: '',
        input: Type.String() as never,
        run: async () => 1,
      }),
    ).toThrow(DefinitionError);
  });
});
