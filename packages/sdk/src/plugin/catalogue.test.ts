import { describe, expect, it } from 'vitest';
import { echoPlugin } from '../__fixtures__/echo-plugin.js';
import { pluginCatalogueEntry } from './catalogue.js';

describe('pluginCatalogueEntry', () => {
  const entry = pluginCatalogueEntry(echoPlugin());

  it('is plain JSON: it survives a round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry);
  });

  it('describes identity, config schema and secrets', () => {
    expect(entry).toMatchObject({ name: 'echo', version: '1.2.3', displayName: 'Echo', contextVersion: 1 });
    expect(entry.configSchema).toMatchObject({
      type: 'object',
      required: ['token', 'baseUrl'],
      properties: {
        token: { type: 'string', 'x-kith-secret': true, writeOnly: true },
        baseUrl: { default: 'https://echo.example' },
      },
    });
    expect(entry.secrets).toEqual(['token']);
  });

  it('lists actions with their input schemas, capabilities, limits and events', () => {
    expect(entry.actions.shout).toMatchObject({
      description: 'Upper-cases a word.',
      inputSchema: { type: 'object', required: ['word'] },
      outputSchema: { type: 'object' },
    });
    expect(entry.capabilities).toEqual({
      channel: {
        targets: ['member', 'group'],
        formats: ['buttons'],
        groups: [],
        invites: true,
        inbound: false,
      },
      payment: null,
      actions: ['shout'],
      triggers: ['message.received'],
    });
    expect(entry.rateLimits).toEqual([
      { name: 'per-group', max: 2, perMs: 60_000, scope: 'group', counts: 'messages', description: null },
      { name: 'overall', max: 5, perMs: 1000, scope: 'connection', counts: 'messages', description: null },
    ]);
    expect(entry.events['message.received']).toMatchObject({
      description: 'A reply',
      dataSchema: { type: 'object' },
    });
  });
});
