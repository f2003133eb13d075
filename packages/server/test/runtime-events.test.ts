import { MemoryEffects, MemoryScheduler, MemoryStore, Runtime, VirtualClock } from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import { describe, expect, it } from 'vitest';
import { runtimeKit, SHOP } from './runtime-kit.js';

const T = '/api/v1/tenants/shop';

describe('events in, members out', () => {
  it("an event changes the member's profile, timeline and the funnel", async () => {
    const kit = await runtimeKit();
    const before = await kit.json('GET', `${T}/funnel`, { token: kit.tokens.viewer });
    expect(before.status).toBe(200);
    expect(before.body.funnel).toMatchObject({ members: 0 });

    const sent = await kit.json('POST', `${T}/events`, {
      token: kit.tokens.editor,
      body: { id: 'j-ann', type: 'member.joined', member: 'ann', data: { name: 'Ann' } },
    });
    expect(sent).toEqual({ status: 202, body: { id: 'j-ann', status: 'accepted' } });

    const profile = await kit.json('GET', `${T}/members/ann`, { token: kit.tokens.viewer });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ id: 'ann', name: 'Ann', stage: 'attract' });
    expect(profile.body.instances).toEqual([
      expect.objectContaining({ journey: 'welcome', status: 'waiting', step: 'paid' }),
    ]);
    expect(profile.body.orderList).toEqual([
      expect.objectContaining({ offer: 'box', amount: 1500, status: 'pending' }),
    ]);

    const timeline = await kit.json('GET', `${T}/members/ann/timeline`, { token: kit.tokens.viewer });
    const types = (timeline.body.items as { type: string; step?: string }[]).map(
      (i) => `${i.type}${i.step ? `:${i.step}` : ''}`,
    );
    expect(types).toEqual(
      expect.arrayContaining([
        'journey.entered',
        'step.completed:hello',
        'step.completed:pitch',
        'step.waiting:paid',
        'payment.checkout:pitch',
      ]),
    );

    const after = await kit.json('GET', `${T}/funnel`, { token: kit.tokens.viewer });
    const funnel = after.body.funnel as {
      members: number;
      stages: { stage: string; reached: number }[];
      journeys: { journey: string; entered: number; steps: { step: string; waiting: number }[] }[];
    };
    expect(funnel.members).toBe(1);
    expect(funnel.stages[0]).toMatchObject({ stage: 'attract', reached: 1 });
    expect(funnel.journeys[0]).toMatchObject({ journey: 'welcome', entered: 1 });
    expect(funnel.journeys[0]!.steps.find((s) => s.step === 'paid')!.waiting).toBe(1);

    // a message moves ann to `activate`: the list filter by stage sees it
    await kit.json('POST', `${T}/events`, {
      token: kit.tokens.editor,
      body: { type: 'message.received', member: 'ann', data: { text: 'hi' } },
    });
    const active = await kit.json('GET', `${T}/members?stage=activate`, { token: kit.tokens.viewer });
    expect((active.body.items as { id: string }[]).map((m) => m.id)).toEqual(['ann']);
  });

  it('the same Idempotency-Key twice has one effect', async () => {
    const kit = await runtimeKit();
    const send = () =>
      kit.json('POST', `${T}/events`, {
        token: kit.tokens.editor,
        headers: { 'idempotency-key': 'join-bob-1' },
        body: { type: 'member.joined', member: 'bob', data: { name: 'Bob' } },
      });
    expect(await send()).toEqual({ status: 202, body: { id: 'join-bob-1', status: 'accepted' } });
    expect(await send()).toEqual({ status: 202, body: { id: 'join-bob-1', status: 'duplicate' } });
    await kit.runtime.tick();
    // the welcome and the offer, once each
    expect(kit.effects.messages('bob').map((m) => m.text)).toEqual([
      'Hi Bob',
      expect.stringContaining('box'),
    ]);
    const bob = await kit.json('GET', `${T}/members/bob`, { token: kit.tokens.viewer });
    expect(bob.body.instances).toHaveLength(1);
  });

  it('without an id or a key each request is a new event; a body id and a different key are refused', async () => {
    const kit = await runtimeKit();
    const body = { type: 'message.received', member: 'cid', data: { text: 'x' } };
    const a = await kit.json('POST', `${T}/events`, { token: kit.tokens.editor, body });
    const b = await kit.json('POST', `${T}/events`, { token: kit.tokens.editor, body });
    expect(a.body.status).toBe('accepted');
    expect(b.body.status).toBe('accepted');
    expect(a.body.id).not.toBe(b.body.id);
    expect((await kit.json('GET', `${T}/members/cid`, { token: kit.tokens.viewer })).body.messages).toBe(2);

    const clash = await kit.json('POST', `${T}/events`, {
      token: kit.tokens.editor,
      headers: { 'idempotency-key': 'k1' },
      body: { ...body, id: 'k2' },
    });
    expect(clash.status).toBe(400);
    expect(clash.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/header/idempotency-key' })]),
    );
  });

  it('a batch ingests in order, keyed by Idempotency-Key and index, and answers per item', async () => {
    const kit = await runtimeKit();
    const events = [
      { type: 'member.joined', member: 'dee', data: { name: 'Dee' } },
      { id: 'own-id', type: 'message.received', member: 'dee', data: { text: 'hello' } },
    ];
    const first = await kit.json('POST', `${T}/events/batch`, {
      token: kit.tokens.editor,
      headers: { 'idempotency-key': 'batch-7' },
      body: { events },
    });
    expect(first).toEqual({
      status: 202,
      body: {
        items: [
          { id: 'batch-7:0', status: 'accepted' },
          { id: 'own-id', status: 'accepted' },
        ],
      },
    });
    const again = await kit.json('POST', `${T}/events/batch`, {
      token: kit.tokens.editor,
      headers: { 'idempotency-key': 'batch-7' },
      body: { events },
    });
    expect((again.body.items as { status: string }[]).map((i) => i.status)).toEqual([
      'duplicate',
      'duplicate',
    ]);
    const dee = await kit.json('GET', `${T}/members/dee`, { token: kit.tokens.viewer });
    expect(dee.body).toMatchObject({ messages: 1, stage: 'activate' });
  });

  it('bad input gets a problem with the path of each mistake, never a 500', async () => {
    const kit = await runtimeKit();
    const post = (body: unknown, path = `${T}/events`, headers: Record<string, string> = {}) =>
      kit.json('POST', path, { token: kit.tokens.editor, body, headers });

    const missing = await post({ member: 'x' });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ code: 'invalid-body' });
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: '/type' })]);

    const wrong = await post({ type: 'Not An Event', member: 'x', data: [], extra: 1 });
    expect((wrong.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      '/data',
      '/extra',
      '/type',
    ]);

    const time = await post({ type: 'member.joined', member: 'x', at: 'yesterday-ish' });
    expect(time.status).toBe(400);
    expect(time.body.errors).toEqual([expect.objectContaining({ path: '/at' })]);

    const batchTime = await post(
      {
        events: [
          { type: 'member.joined', member: 'y' },
          { type: 'member.joined', member: 'z', at: 'nope' },
        ],
      },
      `${T}/events/batch`,
    );
    expect(batchTime.status).toBe(400);
    expect(batchTime.body.errors).toEqual([expect.objectContaining({ path: '/events/1/at' })]);
    // a refused batch ingests nothing
    expect((await kit.json('GET', `${T}/members/y`, { token: kit.tokens.viewer })).status).toBe(404);

    const tooMany = await post(
      { events: Array.from({ length: 1001 }, () => ({ type: 'a.b', member: 'm' })) },
      `${T}/events/batch`,
    );
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ path: '/events' })]);

    const badKey = await post({ type: 'a.b', member: 'm' }, `${T}/events`, { 'idempotency-key': 'a\u0001b' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors).toEqual([expect.objectContaining({ path: '/header/idempotency-key' })]);

    const longMember = await post({ type: 'a.b', member: 'm'.repeat(201) });
    expect(longMember.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/member' })]),
    );

    const notJson = await kit.json('POST', `${T}/events`, {
      token: kit.tokens.editor,
      body: '{"type":',
      headers: {},
    });
    expect(notJson.status).toBe(400);
  });

  it('an event for a tenant with nothing published is refused with what to do', async () => {
    const kit = await runtimeKit({ publish: false });
    const res = await kit.json('POST', `${T}/events`, {
      token: kit.tokens.editor,
      body: { type: 'member.joined', member: 'a' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'not-published' });
    expect(String(res.body.detail)).toContain('publish');
    expect((await kit.json('GET', `${T}/funnel`, { token: kit.tokens.viewer })).status).toBe(409);
  });

  // an API process beside others (or after a restart) has not compiled what another one published
  it.skipIf(typeof (Runtime.prototype as Partial<{ load: unknown }>).load !== 'function')(
    'a process that did not publish the playbook itself loads it from the store',
    async () => {
      const store = new MemoryStore();
      const publisher = new Runtime({
        store,
        scheduler: new MemoryScheduler(),
        clock: new VirtualClock(0),
        effects: new MemoryEffects(),
      });
      const { playbook, params } = loadPlaybook(SHOP);
      await publisher.publish('shop', playbook, { version: '1', params });
      const kit = await runtimeKit({ store, publish: false });
      const res = await kit.json('POST', `${T}/events`, {
        token: kit.tokens.editor,
        body: { type: 'member.joined', member: 'ann' },
      });
      expect(res).toMatchObject({ status: 202, body: { status: 'accepted' } });
      expect((await kit.json('GET', `${T}/funnel`, { token: kit.tokens.viewer })).body).toMatchObject({
        version: '1',
        funnel: { members: 1 },
      });
    },
  );
});
