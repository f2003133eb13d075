import { describe, expect, it } from 'vitest';
import type { ChannelUsage, SimulationReport } from '../src/api/types.js';
import { pushActivity } from '../src/panels/lib/activity.js';
import { formatMoney, formatPercent } from '../src/panels/lib/format.js';
import { applyCounts, fromFunnel } from '../src/panels/lib/live-counts.js';
import { CursorPager, memberQuery, timelineText } from '../src/panels/lib/members.js';
import { dayIndex, dayRows, hasViolations } from '../src/panels/lib/sim-report.js';

function channel(over: Partial<ChannelUsage>): ChannelUsage {
  return {
    channel: 'wecom',
    use: 'channel-wecom@^1',
    messages: 0,
    direct: 0,
    group: 0,
    perDay: [],
    calls: 0,
    groupCap: { deferred: 0, skipped: 0 },
    pendingAtEnd: 0,
    limits: [],
    quietHours: { messages: 0, critical: 0, moments: [] },
    ...over,
  };
}

function report(
  channels: ChannelUsage[],
  violations = { rateLimit: 0, messagesOverLimit: 0, quietHours: 0 },
): SimulationReport {
  return {
    report: 'kith-simulation',
    version: 1,
    playbook: { id: 'club', name: 'Club', version: '1' },
    settings: {
      members: 10,
      days: 3,
      seed: 1,
      start: '2026-03-01T02:00:00.000Z',
      end: '2026-03-04T02:00:00.000Z',
      curve: 'flat',
      arrivals: [],
    },
    activity: {
      joined: 10,
      invited: 0,
      messages: 0,
      violations: 0,
      clicks: 0,
      checkins: 0,
      payments: 0,
      refunds: 0,
      churned: 0,
    },
    memberSteps: 0,
    funnel: { members: 10, left: 0, stages: [], sources: [], tiers: {}, goals: {}, journeys: [] },
    revenue: [],
    commissions: { source: 'none', currencies: [] },
    quietHours: { start: '22:00', end: '08:00', source: 'default' },
    days: ['2026-03-01', '2026-03-02', '2026-03-03'],
    channels,
    effects: {},
    violations,
  };
}

describe('messages per day', () => {
  const wecom = channel({
    perDay: [5, 30, 2],
    limits: [
      {
        name: 'robot',
        scope: 'connection',
        counts: 'messages',
        max: 20,
        perMs: 60_000,
        source: 'builtin',
        violations: 2,
        over: 12,
        moments: [
          { at: '2026-03-02T03:00:00.000Z', limit: 'robot', key: null, count: 26, max: 20 },
          { at: '2026-03-02T04:00:00.000Z', limit: 'robot', key: null, count: 26, max: 20 },
        ],
      },
    ],
    quietHours: {
      messages: 2,
      critical: 1,
      moments: [
        { at: '2026-03-04T01:59:00.000Z', member: 'm1', group: null, from: 'welcome/hello', critical: false },
        { at: '2026-03-01T15:00:00.000Z', member: 'm2', group: null, from: 'community', critical: true },
      ],
    },
  });
  const email = channel({ channel: 'email', perDay: [1, 0, 4] });

  it('adds up channels per day and marks the days that broke a limit or quiet hours', () => {
    const rows = dayRows(report([wecom, email], { rateLimit: 2, messagesOverLimit: 12, quietHours: 2 }));
    expect(rows.map((r) => [r.date, r.perChannel, r.total, r.rateLimit, r.quiet])).toEqual([
      ['2026-03-01', [5, 1], 6, 0, 0],
      ['2026-03-02', [30, 0], 30, 2, 0],
      ['2026-03-03', [2, 4], 6, 0, 1],
    ]);
  });

  it('counts days from the run start, as the simulator does', () => {
    expect(dayIndex('2026-03-01T02:00:00.000Z', '2026-03-01T02:00:00.000Z')).toBe(0);
    expect(dayIndex('2026-03-02T01:59:59.000Z', '2026-03-01T02:00:00.000Z')).toBe(0);
    expect(dayIndex('2026-03-02T02:00:00.000Z', '2026-03-01T02:00:00.000Z')).toBe(1);
  });

  it('flags a run with violations, but not one whose only quiet-hour messages were critical', () => {
    expect(hasViolations(report([wecom], { rateLimit: 2, messagesOverLimit: 12, quietHours: 2 }))).toBe(true);
    const criticalOnly = channel({ quietHours: { messages: 1, critical: 1, moments: [] } });
    expect(hasViolations(report([criticalOnly], { rateLimit: 0, messagesOverLimit: 0, quietHours: 1 }))).toBe(
      false,
    );
  });
});

describe('members list', () => {
  it('leaves empty filters out of the query', () => {
    expect(memberQuery({ q: ' Lin ', stage: '', tier: 'kol', tag: '' }, 'c9', 25)).toEqual({
      q: 'Lin',
      tier: 'kol',
      cursor: 'c9',
      limit: 25,
    });
  });

  it('walks cursor pages forwards and back', () => {
    const p = new CursorPager();
    expect(p.hasPrevious).toBe(false);
    p.loaded('c2');
    expect(p.hasNext).toBe(true);
    expect(p.forward()).toBe('c2');
    p.loaded('c3');
    expect(p.forward()).toBe('c3');
    p.loaded(undefined);
    expect(p.page).toBe(2);
    expect(p.hasNext).toBe(false);
    expect(p.forward()).toBeUndefined();
    expect(p.back()).toBe('c2');
    p.loaded('c3');
    expect(p.back()).toBeUndefined();
    expect(p.page).toBe(0);
    expect(p.hasPrevious).toBe(false);
    p.reset();
    expect(p.current).toBeUndefined();
  });

  it('words timeline entries from the fields they have', () => {
    expect(timelineText({ at: 1, kind: 'step', journey: 'welcome', step: 'hello', status: 'done' })).toBe(
      'welcome › hello · (done)',
    );
    expect(timelineText({ at: 1, kind: 'event', type: 'payment.succeeded', detail: 'order o1' })).toBe(
      'payment.succeeded · order o1',
    );
  });
});

describe('live activity and numbers', () => {
  it('keeps the newest activity first and caps the list', () => {
    let list = pushActivity([], { at: 1, kind: 'event' }, 3);
    for (let i = 2; i <= 5; i++) list = pushActivity(list, { at: i, kind: 'event' }, 3);
    expect(list.map((a) => a.at)).toEqual([5, 4, 3]);
  });

  it('shows money from minor units in the currency', () => {
    expect(formatMoney(19900, 'CNY', 'en')).toBe('CN¥199.00');
    expect(formatMoney(500, 'JPY', 'en')).toBe('¥500');
    expect(formatMoney(19900, 'CNY', 'zh-CN')).toBe('¥199.00');
    expect(formatPercent(0.4, 'en')).toBe('40%');
    expect(formatPercent(null, 'en')).toBe('—');
  });
});

describe('live counts', () => {
  const funnel = {
    members: 10,
    left: 0,
    stages: [{ stage: 'attract', reached: 10, current: 6, conversion: 1 }],
    sources: [],
    tiers: {},
    goals: {},
    journeys: [
      {
        journey: 'welcome',
        stage: 'attract',
        entered: 10,
        active: 4,
        completed: 6,
        exited: 0,
        goals: {},
        exits: {},
        steps: [
          { step: 'hello', kind: 'send', entered: 10, completed: 10, waiting: 0, goal: null },
          { step: 'ask-age', kind: 'ask', entered: 10, completed: 6, waiting: 4, goal: null },
        ],
      },
    ],
  };

  it('starts from the funnel report with every step in order', () => {
    const v = fromFunnel(funnel, 'club@2');
    expect(v.journeys[0]!.steps).toEqual([
      { step: 'hello', waiting: 0 },
      { step: 'ask-age', waiting: 4 },
    ]);
  });

  it('updates waiting counts from a frame, keeping known steps in place and adding new ones', () => {
    const v = applyCounts(fromFunnel(funnel, 'club@2'), {
      at: 1,
      version: 'club@3',
      members: 11,
      left: 0,
      stages: [{ stage: 'attract', reached: 11, current: 7 }],
      tiers: {},
      goals: {},
      journeys: [{ journey: 'welcome', active: 5, waiting: { 'pick-group': 2, hello: 3 } }],
    });
    expect(v.version).toBe('club@3');
    expect(v.stages).toEqual([{ stage: 'attract', reached: 11, current: 7 }]);
    expect(v.journeys).toEqual([
      {
        journey: 'welcome',
        active: 5,
        steps: [
          { step: 'hello', waiting: 3 },
          { step: 'ask-age', waiting: 0 },
          { step: 'pick-group', waiting: 2 },
        ],
      },
    ]);
  });

  it('draws a frame with no view before it', () => {
    const v = applyCounts(null, {
      at: 1,
      version: 'v',
      members: 0,
      left: 0,
      stages: [],
      tiers: {},
      goals: {},
      journeys: [{ journey: 'j', active: 1, waiting: { s: 1 } }],
    });
    expect(v.journeys[0]!.steps).toEqual([{ step: 's', waiting: 1 }]);
  });
});
