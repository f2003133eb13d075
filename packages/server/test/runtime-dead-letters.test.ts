import { describe, expect, it } from 'vitest';
import { runtimeKit } from './runtime-kit.js';

const T = '/api/v1/tenants/shop';

describe('dead letters', () => {
  it('lists an effect that failed for good, retries it by key, and it is delivered', async () => {
    const kit = await runtimeKit();
    kit.effects.failWhen((e) =>
      e.type === 'message.send' && String(e.data.text).startsWith('Hi')
        ? { ok: false, error: 'telegram said 403: bot was blocked', retryable: false }
        : undefined,
    );
    await kit.json('POST', `${T}/events`, {
      token: kit.tokens.editor,
      body: { id: 'j1', type: 'member.joined', member: 'ann', data: { name: 'Ann' } },
    });
    await kit.runtime.tick();

    const list = await kit.json('GET', `${T}/dead-letters`, { token: kit.tokens.viewer });
    expect(list.status).toBe(200);
    const items = list.body.items as {
      effect: { key: string; type: string; member: string };
      status: string;
      lastError: string;
    }[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      status: 'dead',
      lastError: expect.stringContaining('blocked'),
      effect: { type: 'message.send', member: 'ann' },
    });
    const key = items[0]!.effect.key;

    // the member's timeline shows it too
    const timeline = await kit.json('GET', `${T}/members/ann/timeline`, { token: kit.tokens.viewer });
    expect(timeline.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'effect', detail: expect.stringContaining('dead letter') }),
      ]),
    );

    kit.effects.clearFailures();
    const retried = await kit.json('POST', `${T}/dead-letters/${encodeURIComponent(key)}/retry`, {
      token: kit.tokens.editor,
    });
    expect(retried).toEqual({ status: 202, body: { key, status: 'pending' } });
    await kit.runtime.tick();
    expect(kit.effects.messages('ann').map((m) => m.text)).toContain('Hi Ann');
    expect((await kit.json('GET', `${T}/dead-letters`, { token: kit.tokens.viewer })).body.items).toEqual([]);

    // delivered now: retrying again is refused, and says why
    const again = await kit.json('POST', `${T}/dead-letters/${encodeURIComponent(key)}/retry`, {
      token: kit.tokens.editor,
    });
    expect(again.status).toBe(409);
    expect(String(again.body.detail)).toContain('delivered');
  });

  it('an unknown key is a 404 that says how keys are written', async () => {
    const kit = await runtimeKit();
    const res = await kit.json('POST', `${T}/dead-letters/${encodeURIComponent('shop/nope/1')}/retry`, {
      token: kit.tokens.editor,
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'dead-letter-not-found' });
    expect(String(res.body.detail)).toContain('URL-encode');
  });
});
