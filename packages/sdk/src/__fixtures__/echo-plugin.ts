import { Type } from '@sinclair/typebox';
import type { ChannelCapability } from '../channel/types.js';
import { CONTEXT_VERSION } from '../context/types.js';
import { PluginError } from '../errors/plugin-error.js';
import { defineAction } from '../plugin/action.js';
import { definePlugin } from '../plugin/define-plugin.js';
import type { PluginDefinition } from '../plugin/types.js';
import { BaseUrl, Secret } from '../schema/secret.js';

/** A small plugin for the SDK's own tests: records sends, fails on demand. */
export const EchoConfig = Type.Object({
  token: Secret({ description: 'API token' }),
  baseUrl: BaseUrl('https://echo.example'),
  greeting: Type.Optional(Type.String({ description: 'Prefix for texts' })),
});

export interface EchoLog {
  sent: { to: string; text: string; key: string | null; at: number }[];
  failures: PluginError[];
}

export function echoChannel(
  log: EchoLog,
): ChannelCapability<{ token: string; baseUrl: string; greeting?: string }> {
  return {
    targets: ['member', 'group'],
    formats: ['buttons'],
    async send(ctx, message) {
      const f = log.failures.shift();
      if (f !== undefined) throw f;
      const to = message.to.kind === 'member' ? (message.to.address ?? message.to.member) : message.to.group;
      log.sent.push({
        to,
        text: `${ctx.config.greeting ?? ''}${message.text}`,
        key: ctx.idempotencyKey,
        at: ctx.clock.now(),
      });
      ctx.logger.info(`sent with token ${ctx.config.token}`, { token: ctx.config.token });
      return { providerMessageId: `m${log.sent.length}` };
    },
    async createInvite(_ctx, req) {
      return {
        url: `https://echo.example/join?r=${req.attribution.referrer ?? ''}`,
        code: `c-${req.attribution.referrer ?? 'x'}`,
      };
    },
  };
}

export const shout = defineAction({
  config: EchoConfig,
  name: 'shout',
  description: 'Upper-cases a word.',
  input: Type.Object({
    word: Type.String({ description: 'The word' }),
    times: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  output: Type.Object({ shouted: Type.String() }),
  async run(_ctx, input) {
    if (input.word === 'fail') throw PluginError.permanent('cannot shout that');
    return { shouted: input.word.toUpperCase().repeat(input.times ?? 1) };
  },
});

export function echoDefinition(
  log: EchoLog = { sent: [], failures: [] },
): PluginDefinition<typeof EchoConfig> {
  return {
    name: 'echo',
    version: '1.2.3',
    displayName: 'Echo',
    description: 'Echoes messages for tests.',
    contextVersion: CONTEXT_VERSION,
    config: EchoConfig,
    capabilities: {
      channel: echoChannel(log),
      actions: [shout],
      triggers: [
        { event: 'message.received', description: 'A reply', data: Type.Object({ text: Type.String() }) },
      ],
    },
    rateLimits: [
      { name: 'per-group', max: 2, per: '1m', scope: 'group' },
      { name: 'overall', max: 5, per: '1s', scope: 'connection' },
    ],
  };
}

export const echoPlugin = (log?: EchoLog) => definePlugin(echoDefinition(log));
