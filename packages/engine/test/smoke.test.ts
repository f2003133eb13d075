import { describe, expect, it } from 'vitest';
import { createTestKit } from '../src/testing/index.js';

const WELCOME = `
kith: 1
id: hello
name: Hello
timezone: UTC
channels:
  tg: { use: telegram }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hi
            send: { via: tg, text: "Welcome {{ member.name }}" }
          - id: settle
            wait: 1d
          - id: nudge
            send: { via: tg, text: "Day two" }
`;

describe('smoke', () => {
  it('runs a 3-step journey', async () => {
    const kit = await createTestKit(WELCOME);
    await kit.event('member.joined', 'ann', { name: 'Ann' });
    expect(kit.texts('ann')).toEqual(['Welcome Ann']);
    await kit.wait('1d');
    expect(kit.texts('ann')).toEqual(['Welcome Ann', 'Day two']);
  });
});
