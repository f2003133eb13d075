import { describe, expect, it } from 'vitest';
import { createActivityBus } from '../src/live/bus.js';
import { LiveHub } from '../src/live/hub.js';
import { readSse, runtimeKit } from './runtime-kit.js';

const T = '/api/v1/tenants/shop';

const waitFor = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('live stream', () => {
  it('shows an event you post as activity, then new counts; a closed stream leaves no listener', async () => {
    const kit = await runtimeKit();
    const res = await kit.request('GET', `${T}/live?access_token=${kit.tokens.viewer}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');

    let posted = false;
    const events = await readSse(res, (evs) => {
      if (!posted && evs.some((e) => e.event === 'counts')) {
        posted = true;
        void kit.json('POST', `${T}/events`, {
          token: kit.tokens.editor,
          body: { type: 'member.joined', member: 'ann', data: { name: 'Ann' } },
        });
      }
      return evs.filter((e) => e.event === 'counts').length >= 2;
    });

    const first = events.find((e) => e.event === 'counts')!.data as { members: number };
    expect(first.members).toBe(0);
    const activity = events
      .filter((e) => e.event === 'activity')
      .map((e) => e.data as Record<string, unknown>);
    expect(activity).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'event', type: 'member.joined', member: 'ann' }),
        expect.objectContaining({ kind: 'step', journey: 'welcome', step: 'hello' }),
        expect.objectContaining({ kind: 'effect', type: 'message.send', member: 'ann' }),
      ]),
    );
    const last = events.filter((e) => e.event === 'counts').at(-1)!.data as {
      members: number;
      stages: { stage: string; current: number }[];
      journeys: { journey: string; active: number; waiting: Record<string, number> }[];
    };
    expect(last.members).toBe(1);
    expect(last.stages[0]).toEqual({ stage: 'attract', reached: 1, current: 1 });
    expect(last.journeys[0]).toEqual({ journey: 'welcome', active: 1, waiting: { paid: 1 } });

    // readSse cancelled the body: the stream's bus subscription goes away
    await waitFor(() => kit.activity.listeners('shop') === 0);
  });

  it('another tenant sees nothing of this one', async () => {
    const kit = await runtimeKit();
    const res = await kit.request('GET', '/api/v1/tenants/other/live', { token: kit.tokens.otherEditor });
    let posted: Promise<unknown> | undefined;
    const events = await readSse(
      res,
      (evs) => {
        if (posted === undefined && evs.length > 0) {
          posted = kit.json('POST', `${T}/events`, {
            token: kit.tokens.editor,
            body: { type: 'member.joined', member: 'ann' },
          });
        }
        return false;
      },
      600,
      true,
    );
    expect(await posted).toMatchObject({ status: 202 });
    // `other` has nothing published: its counts are null, and shop's activity never shows
    expect(events).toEqual([{ event: 'counts', data: null }]);
  });
});

describe('LiveHub', () => {
  it('counts at most once per interval while changes come, and not at all when nothing changes', async () => {
    const bus = createActivityBus();
    let computed = 0;
    const hub = new LiveHub(
      bus,
      async () => {
        computed++;
        return null;
      },
      { intervalMs: 50 },
    );
    const seen: string[] = [];
    const stop = hub.subscribe('t', {
      counts: () => seen.push('counts'),
      activity: (a) => seen.push(a.kind),
    });
    await waitFor(() => computed === 1);
    for (let i = 0; i < 20; i++) bus.publish({ tenant: 't', at: i, kind: 'event' });
    await new Promise((r) => setTimeout(r, 180));
    // 20 changes within ~3 intervals: one count for the newcomer, then one per interval at most
    expect(computed).toBeGreaterThanOrEqual(2);
    expect(computed).toBeLessThanOrEqual(5);
    const settled = computed;
    await new Promise((r) => setTimeout(r, 150));
    expect(computed).toBe(settled);
    expect(seen.filter((s) => s === 'event')).toHaveLength(20);
    stop();
    expect(bus.listeners('t')).toBe(0);
    expect(hub.viewers('t')).toBe(0);
  });
});
