import { createSqlStore } from '@kith/store-sql';
import { describe, expect, it } from 'vitest';
import { type RuntimeKit, runtimeKit } from './runtime-kit.js';

const T = '/api/v1/tenants/shop';

async function populate(kit: RuntimeKit): Promise<void> {
  const events = [
    ...['ann', 'bob', 'cid', 'dee', 'eve'].map((m) => ({
      id: `j-${m}`,
      type: 'member.joined',
      member: m,
      data: { name: m.toUpperCase() },
    })),
    { id: 'm-bob', type: 'message.received', member: 'bob', data: { text: 'hi' } },
    { id: 'm-cid', type: 'message.received', member: 'cid', data: { text: 'hi' } },
  ];
  const res = await kit.json('POST', `${T}/events/batch`, { token: kit.tokens.editor, body: { events } });
  expect(res.status).toBe(202);
}

describe('members and runs', () => {
  it('pages through members in id order with the cursor, filters combined', async () => {
    const kit = await runtimeKit();
    await populate(kit);
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await kit.json('GET', `${T}/members?limit=2${next ? `&cursor=${next}` : ''}`, {
        token: kit.tokens.viewer,
      });
      expect(page.status).toBe(200);
      const ids = (page.body.items as { id: string }[]).map((m) => m.id);
      expect(ids.length).toBeLessThanOrEqual(2);
      seen.push(...ids);
      next = page.body.next as string | undefined;
    } while (next !== undefined);
    expect(seen).toEqual(['ann', 'bob', 'cid', 'dee', 'eve']);

    const by = async (q: string) =>
      (
        (await kit.json('GET', `${T}/members?${q}`, { token: kit.tokens.viewer })).body.items as {
          id: string;
        }[]
      ).map((m) => m.id);
    expect(await by('stage=activate')).toEqual(['bob', 'cid']);
    expect(await by('q=CI')).toEqual(['cid']);
    expect(await by('journey=welcome&step=paid')).toEqual(['ann', 'bob', 'cid', 'dee', 'eve']);
    expect(await by('journey=welcome&step=hello')).toEqual([]);
    expect(await by('stage=activate&q=bo')).toEqual(['bob']);

    const summary = (await kit.json('GET', `${T}/members?q=ann`, { token: kit.tokens.viewer })).body
      .items![0];
    expect(summary).toMatchObject({
      id: 'ann',
      name: 'ANN',
      stage: 'attract',
      journeys: [{ journey: 'welcome', step: 'paid', status: 'waiting' }],
    });
  });

  it('refuses a bad filter or cursor at its query path', async () => {
    const kit = await runtimeKit();
    const limit = await kit.json('GET', `${T}/members?limit=0`, { token: kit.tokens.viewer });
    expect(limit.status).toBe(400);
    expect(limit.body.errors).toEqual([expect.objectContaining({ path: '/query/limit' })]);
    const cursor = await kit.json('GET', `${T}/members?cursor=garbage`, { token: kit.tokens.viewer });
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors).toEqual([expect.objectContaining({ path: '/query/cursor' })]);
    const stage = await kit.json('GET', `${T}/members?stage=Not%20An%20Id`, { token: kit.tokens.viewer });
    expect(stage.body.errors).toEqual([expect.objectContaining({ path: '/query/stage' })]);
    const missing = await kit.json('GET', `${T}/members/nobody`, { token: kit.tokens.viewer });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('member-not-found');
    expect(
      (await kit.json('GET', `${T}/instances?status=sleeping`, { token: kit.tokens.viewer })).status,
    ).toBe(400);
    expect(
      (await kit.json('GET', `${T}/ledger?from=soon`, { token: kit.tokens.viewer })).body.errors,
    ).toEqual([expect.objectContaining({ path: '/query/from' })]);
  });

  it('lists runs in progress, then finished ones, a page at a time', async () => {
    const kit = await runtimeKit();
    await populate(kit);
    // ann pays a minute later: her run completes with its goal; the others still wait
    const order = (
      (await kit.json('GET', `${T}/members/ann`, { token: kit.tokens.viewer })).body.orderList as {
        id: string;
      }[]
    )[0]!.id;
    kit.clock.advance(60_000);
    await kit.json('POST', `${T}/events`, {
      token: kit.tokens.editor,
      body: {
        type: 'payment.succeeded',
        member: 'ann',
        data: { orderId: order, amount: 1500, offer: 'box' },
      },
    });
    await kit.runtime.runUntil(kit.clock.now() + 60_000, kit.clock);

    const waiting = await kit.json('GET', `${T}/instances?status=waiting`, { token: kit.tokens.viewer });
    expect((waiting.body.items as { member: string }[]).map((r) => r.member)).toEqual([
      'bob',
      'cid',
      'dee',
      'eve',
    ]);
    const done = await kit.json('GET', `${T}/instances?status=completed`, { token: kit.tokens.viewer });
    expect(done.body.items).toEqual([
      expect.objectContaining({ member: 'ann', journey: 'welcome', goal: 'purchased', status: 'completed' }),
    ]);

    const all: string[] = [];
    let next: string | undefined;
    do {
      const page = await kit.json('GET', `${T}/instances?limit=3${next ? `&cursor=${next}` : ''}`, {
        token: kit.tokens.viewer,
      });
      all.push(
        ...(page.body.items as { member: string; status: string }[]).map((r) => `${r.member}:${r.status}`),
      );
      next = page.body.next as string | undefined;
    } while (next !== undefined);
    expect(all).toEqual(['bob:waiting', 'cid:waiting', 'dee:waiting', 'eve:waiting', 'ann:completed']);

    // the ledger and funnel see the payment
    const funnel = await kit.json('GET', `${T}/funnel`, { token: kit.tokens.viewer });
    expect(funnel.body.funnel).toMatchObject({ goals: { purchased: 1 } });
    expect(funnel.body.revenue).toEqual([expect.objectContaining({ currency: 'CNY' })]);
    const timeline = await kit.json('GET', `${T}/members/ann/timeline`, { token: kit.tokens.viewer });
    const types = (timeline.body.items as { type: string }[]).map((i) => i.type);
    expect(types.slice(0, 3)).toEqual(['journey.completed', 'step.completed', 'payment.succeeded']);
  });

  it('the ledger report answers per currency and filters orders by time', async () => {
    const kit = await runtimeKit();
    const all = await kit.json('GET', `${T}/ledger`, { token: kit.tokens.viewer });
    expect(all).toEqual({ status: 200, body: { from: null, to: null, currencies: {} } });
    const window = await kit.json(
      'GET',
      `${T}/ledger?from=2026-01-01T00:00:00Z&to=${Date.parse('2026-02-01T00:00:00Z')}`,
      {
        token: kit.tokens.viewer,
      },
    );
    expect(window.body).toMatchObject({
      from: Date.parse('2026-01-01T00:00:00Z'),
      to: Date.parse('2026-02-01T00:00:00Z'),
    });
    const reversed = await kit.json('GET', `${T}/ledger?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, {
      token: kit.tokens.viewer,
    });
    expect(reversed.status).toBe(400);
  });

  // PGlite compiles its WebAssembly and migrates first: slow on a busy machine, hence the timeout
  it('on the SQL store (PGlite) the list uses its index, with the same filters, order and cursor', async () => {
    const store = await createSqlStore({ pglite: undefined });
    try {
      const kit = await runtimeKit({ store });
      await populate(kit);
      const page1 = await kit.json('GET', `${T}/members?limit=3`, { token: kit.tokens.viewer });
      const page2 = await kit.json('GET', `${T}/members?limit=3&cursor=${page1.body.next}`, {
        token: kit.tokens.viewer,
      });
      expect([...page1.body.items!, ...page2.body.items!].map((m) => (m as { id: string }).id)).toEqual([
        'ann',
        'bob',
        'cid',
        'dee',
        'eve',
      ]);
      expect(page2.body.next).toBeUndefined();
      const by = async (q: string) =>
        (
          (await kit.json('GET', `${T}/members?${q}`, { token: kit.tokens.viewer })).body.items as {
            id: string;
            name: string;
          }[]
        ).map((m) => `${m.id}/${m.name}`);
      expect(await by('stage=activate')).toEqual(['bob/BOB', 'cid/CID']);
      expect(await by('journey=welcome&step=paid&q=E')).toEqual(['dee/DEE', 'eve/EVE']);
      const bad = await kit.json(
        'GET',
        `${T}/members?cursor=${Buffer.from('{"x":1}').toString('base64url')}`,
        { token: kit.tokens.viewer },
      );
      expect(bad.status).toBe(400);
      const timeline = await kit.json('GET', `${T}/members/bob/timeline`, { token: kit.tokens.viewer });
      expect((timeline.body.items as { type: string }[]).map((i) => i.type)).toContain('step.waiting');
    } finally {
      await store.sql.close();
    }
  }, 180_000);
});
