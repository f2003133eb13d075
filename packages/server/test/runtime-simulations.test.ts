import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { authenticate } from '../src/auth/middleware.js';
import type { AppEnv } from '../src/contract.js';
import { problemResponse, toProblem } from '../src/http/problem.js';
import { runtimeRoutes } from '../src/routes/runtime/index.js';
import type { SimulationMessage, SimulationRunner } from '../src/routes/runtime/simulation-types.js';
import { type RuntimeKit, readSse, runtimeKit, SHOP } from './runtime-kit.js';

const T = '/api/v1/tenants/shop';

describe('simulations', () => {
  it('runs the draft in a worker; the SSE stream shows progress and ends with the report', async () => {
    const kit = await runtimeKit();
    const started = await kit.json('POST', `${T}/simulations`, {
      token: kit.tokens.viewer,
      body: { playbook: 'shop', members: 200, days: 5, seed: 3 },
    });
    expect(started.status).toBe(202);
    const id = String(started.body.id);

    const res = await kit.request('GET', `${T}/simulations/${id}/events?access_token=${kit.tokens.viewer}`);
    expect(res.status).toBe(200);
    const events = await readSse(res, () => false, 60_000);
    expect(events[0]).toMatchObject({ event: 'progress' });
    const last = events.at(-1)!;
    expect(last.event).toBe('done');
    const report = (last.data as { report: { funnel: { members: number; stages: { stage: string }[] } } })
      .report;
    expect(report.funnel.members).toBeGreaterThanOrEqual(200);
    expect(report.funnel.stages.map((s) => s.stage)).toEqual(['attract', 'activate', 'transact']);

    const status = await kit.json('GET', `${T}/simulations/${id}`, { token: kit.tokens.viewer });
    expect(status.body).toMatchObject({ id, status: 'done', progress: 1, days: 5 });
    expect((status.body.report as { funnel: unknown }).funnel).toEqual(report.funnel);

    // a stream opened after the end gets the report at once, then ends
    const late = await readSse(
      await kit.request('GET', `${T}/simulations/${id}/events`, { token: kit.tokens.viewer }),
      () => false,
    );
    expect(late.map((e) => e.event)).toEqual(['progress', 'done']);
  }, 90_000);

  it('a simulation that fails ends its stream with `failed` and the reason', async () => {
    const kit = await runtimeKit();
    const running: ((m: SimulationMessage) => void)[] = [];
    const app = appWith(kit, (_input, on) => {
      running.push(on);
      return () => {};
    });
    const started = await start(app, 'shop', kit.tokens.viewer);
    const { id } = (await started.json()) as { id: string };
    const stream = await app.request(`/api/v1/tenants/shop/simulations/${id}/events`, {
      headers: { authorization: `Bearer ${kit.tokens.viewer}` },
    });
    running[0]!({ type: 'progress', fraction: 0.5, members: 7 });
    running[0]!({ type: 'failed', error: 'compile error: offer box has no payment' });
    const events = await readSse(stream, () => false);
    expect(events).toEqual([
      { event: 'progress', data: { progress: 0, day: 0 } },
      { event: 'progress', data: { progress: 0.5, day: 0 } },
      { event: 'failed', data: { error: 'compile error: offer box has no payment' } },
    ]);
    const status = await app.request(`/api/v1/tenants/shop/simulations/${id}`, {
      headers: { authorization: `Bearer ${kit.tokens.viewer}` },
    });
    expect(await status.json()).toMatchObject({
      status: 'failed',
      error: 'compile error: offer box has no payment',
      members: 7,
    });
  });

  it('refuses what it cannot run, saying where', async () => {
    const kit = await runtimeKit();
    const post = (body: unknown) => kit.json('POST', `${T}/simulations`, { token: kit.tokens.viewer, body });

    const invalid = await post({
      source:
        'kith: 1\nid: x\nname: X\nstages:\n  a:\n    journeys:\n      - journey: j\n        on: member.joined\n        steps:\n          - id: s\n            send: { via: nowhere, text: hi }\n',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ code: 'invalid-playbook' });
    expect(invalid.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/source' })]),
    );
    expect((invalid.body.diagnostics as unknown[]).length).toBeGreaterThan(0);

    expect((await post({ playbook: 'shop', members: 200_001 })).body.errors).toEqual([
      expect.objectContaining({ path: '/members' }),
    ]);
    const profileTooBig = await post({
      playbook: 'shop',
      profile: { 'kith-simulation': 1, members: 300_000 },
    });
    expect(profileTooBig.status).toBe(422);
    expect(profileTooBig.body.errors).toEqual([expect.objectContaining({ path: '/profile/members' })]);
    expect(
      (
        await post({
          playbook: 'shop',
          profile: { 'kith-simulation': 1, behaviour: { default: { reply: 2 } } },
        })
      ).body.errors,
    ).toEqual([expect.objectContaining({ path: '/profile/behaviour/default/reply' })]);
    expect((await post({ playbook: 'nope' })).body.errors).toEqual([
      expect.objectContaining({ path: '/playbook' }),
    ]);
    expect((await post({})).body.errors).toEqual([expect.objectContaining({ path: '/playbook' })]);
    expect((await post({ playbook: 'shop', source: SHOP })).status).toBe(400);
    expect((await post({ playbook: 'shop', start: 'soon' })).body.errors).toEqual([
      expect.objectContaining({ path: '/start' }),
    ]);
    const outside = await post({ source: "kith: 1\nid: x\nname: X\nextends: '/etc/passwd'\n" });
    expect(outside.status).toBe(422);
    expect(JSON.stringify(outside.body)).not.toContain('root:');

    expect((await kit.json('GET', `${T}/simulations/no-such-id`, { token: kit.tokens.viewer })).status).toBe(
      404,
    );
  });

  it('caps the simulations running at once per tenant', async () => {
    const kit = await runtimeKit();
    const running: ((m: SimulationMessage) => void)[] = [];
    const app = appWith(kit, (_input, on) => {
      running.push(on);
      return () => {};
    });
    expect((await start(app, 'shop', kit.tokens.viewer)).status).toBe(202);
    expect((await start(app, 'shop', kit.tokens.viewer)).status).toBe(202);
    const third = await start(app, 'shop', kit.tokens.viewer);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('10');
    // another tenant has its own allowance
    expect((await start(app, 'other', kit.tokens.otherEditor)).status).toBe(202);
    // one finishing frees a place
    running[0]!({ type: 'failed', error: 'stopped' });
    expect((await start(app, 'shop', kit.tokens.viewer)).status).toBe(202);
  });
});

/** The runtime routes with a scripted simulation runner. */
function appWith(kit: RuntimeKit, runner: SimulationRunner): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', authenticate(kit.deps));
  app.route('/api/v1/tenants/:tenant', runtimeRoutes(kit.deps, { simulations: { runner, perTenant: 2 } }));
  app.onError((e, c) => problemResponse(c, toProblem(e).problem));
  return app;
}

function start(app: Hono<AppEnv>, tenant: string, token: string): Promise<Response> {
  return Promise.resolve(
    app.request(`/api/v1/tenants/${tenant}/simulations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: SHOP, members: 10, days: 1 }),
    }),
  );
}
