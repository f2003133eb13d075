import { describe, expect, it } from 'vitest';
import { checkLedger, codeOwner, rateBasisPoints } from '../src/index.js';
import { moneyKit, moneyPlaybook } from './ledger-fixtures.js';

const DAY = 86_400_000;

function playbook(model: 'first' | 'last' = 'first'): string {
  return moneyPlaybook({
    offers: `  box: { price: 10000, currency: CNY }
  book: { price: 10000, currency: CNY }
  gift: { price: 10000, currency: CNY, commission: false }`,
    referrals: `referrals:
  attribution: { window: 7d, model: ${model} }
  commissions:
    levels: [{ rate: "10%" }, { rate: "5%" }, { rate: "2.5%", tiers: [kol] }]
    hold: 7d
    cap: { perOrder: 1550, perReferrerPerMonth: 2500 }
    offers: [box, gift]
  kol: { when: "member.referrals >= 2", tier: kol }`,
    tell: {
      'referral.joined': 'joined {{ event.referral }}',
      'kol.detected': 'kol {{ event.tier }} {{ member.tier }}',
      'commission.earned': 'earned {{ event.amount }} L{{ event.level }}',
      'commission.payable': 'payable {{ event.amount }}',
    },
  });
}

type Kit = Awaited<ReturnType<typeof moneyKit>>;

function said(kit: Kit, member: string, prefix: string): string[] {
  return kit.texts(member).filter((t) => t.startsWith(prefix));
}

/** a ← b ← c ← d */
async function chain(kit: Kit): Promise<void> {
  await kit.event('member.joined', 'a', { name: 'Ann' });
  await kit.event('member.joined', 'b', { referrer: 'a' });
  await kit.event('member.joined', 'c', { referrer: 'b' });
  await kit.event('member.joined', 'd', { referrer: 'c' });
}

describe('attribution', () => {
  it('mints an invite code and link per member; a join with a code is attributed to its owner', async () => {
    const kit = await moneyKit(playbook());
    await kit.event('member.joined', 'a', { name: 'Ann' });
    await kit.event('member.joined', 'b');
    const a = (await kit.member('a')).profile;
    const b = (await kit.member('b')).profile;
    expect(a.inviteCode).toMatch(/^[A-HJKMNP-Z2-9]{7}$/);
    expect(a.inviteLink).toBe(`https://kith.invalid/join/test/${a.inviteCode}`);
    expect(b.inviteCode).not.toBe(a.inviteCode);
    expect(await codeOwner(kit.store, kit.tenant, a.inviteCode!)).toBe('a');
    await kit.event('member.joined', 'a', { name: 'Ann' }); // a returning member keeps the code
    expect((await kit.member('a')).profile.inviteCode).toBe(a.inviteCode);

    const typed = `${a.inviteCode!.slice(0, 3).toLowerCase()}-${a.inviteCode!.slice(3)}`;
    await kit.event('member.joined', 'n', { code: typed });
    await kit.event('member.joined', 'x', { code: 'NOSUCH1' });
    const n = await kit.member('n');
    expect(n.profile.referrer).toBe('a');
    expect(n.referrerName).toBe('Ann');
    expect((await kit.member('x')).profile.referrer).toBeNull();
    expect(said(kit, 'a', 'joined')).toEqual(['joined n']);
    expect((await kit.member('a')).profile).toMatchObject({ referrals: 1, referralsTotal: 1 });
  });

  it('takes the first invitation within the window (model first), the latest with model last', async () => {
    for (const [model, expected] of [
      ['first', 'a'],
      ['last', 'b'],
    ] as const) {
      const kit = await moneyKit(playbook(model));
      await kit.event('member.joined', 'a');
      await kit.event('member.joined', 'b');
      const codeA = (await kit.member('a')).profile.inviteCode;
      await kit.event('invite.clicked', 'x', { code: codeA });
      await kit.wait('2d');
      await kit.event('invite.clicked', 'x', { referrer: 'b' });
      await kit.wait('3d');
      await kit.event('member.joined', 'x');
      expect((await kit.member('x')).profile.referrer).toBe(expected);
      // a second join changes nothing
      await kit.event('member.joined', 'x', { referrer: expected === 'a' ? 'b' : 'a' });
      expect((await kit.member('x')).profile.referrer).toBe(expected);
      expect((await kit.member('a')).profile.referrals + (await kit.member('b')).profile.referrals).toBe(1);
    }
  });

  it('does not attribute invitations older than the window, to oneself, or to someone who never joined', async () => {
    const kit = await moneyKit(playbook());
    await kit.event('member.joined', 'a');
    await kit.event('invite.clicked', 'x', { referrer: 'a' });
    await kit.wait('8d');
    await kit.event('member.joined', 'x');
    await kit.event('member.joined', 'y', { referrer: 'a', invitedAt: kit.clock.now() - 8 * DAY });
    await kit.event('member.joined', 'z', { referrer: 'z' });
    await kit.event('member.joined', 'w', { referrer: 'ghost' });
    for (const m of ['x', 'y', 'z', 'w']) expect((await kit.member(m)).profile.referrer).toBeNull();
    expect((await kit.member('a')).profile.referrals).toBe(0);
    await kit.event('member.joined', 'v', {
      referrer: 'a',
      invitedAt: new Date(kit.clock.now() - 6 * DAY).toISOString(),
    });
    expect((await kit.member('v')).profile.referrer).toBe('a');
  });

  it('counts direct referrals and referrals at every depth; detects a KOL and promotes them', async () => {
    const kit = await moneyKit(playbook());
    await chain(kit);
    await kit.event('member.joined', 'e', { referrer: 'd' });
    const counts = async (m: string) => {
      const p = (await kit.member(m)).profile;
      return [p.referrals, p.referralsTotal];
    };
    expect(await counts('a')).toEqual([1, 4]);
    expect(await counts('b')).toEqual([1, 3]);
    expect(await counts('d')).toEqual([1, 1]);
    expect(await counts('e')).toEqual([0, 0]);
    expect(said(kit, 'a', 'kol')).toEqual([]);
    await kit.event('member.joined', 'f', { referrer: 'a' });
    expect(await counts('a')).toEqual([2, 5]);
    expect((await kit.member('a')).profile.tier).toBe('kol');
    expect(said(kit, 'a', 'kol')).toEqual(['kol kol kol']);
    await kit.event('member.joined', 'g', { referrer: 'a' });
    expect(said(kit, 'a', 'kol')).toHaveLength(1);
  });
});

describe('commissions', () => {
  it('pay each level its rate, only to referrers in the level’s tiers, within the per-order cap', async () => {
    const kit = await moneyKit(playbook());
    await chain(kit);
    await kit.pay('d', await kit.buy('d', 'box'));
    // level 3 is for KOLs only: a is not one yet
    expect([said(kit, 'c', 'earned'), said(kit, 'b', 'earned'), said(kit, 'a', 'earned')]).toEqual([
      ['earned 1000 L1'],
      ['earned 500 L2'],
      [],
    ]);
    await kit.event('member.joined', 'f', { referrer: 'a' }); // a becomes a KOL
    await kit.pay('d', await kit.buy('d', 'box'));
    // 1000 + 500 + 250 > 1550: level 3 gets what the cap leaves
    expect(said(kit, 'a', 'earned')).toEqual(['earned 50 L3']);
  });

  it('cap what a referrer earns in a calendar month of the playbook’s zone', async () => {
    const kit = await moneyKit(playbook(), { start: '2026-01-20T00:00:00Z' });
    await chain(kit);
    for (let i = 0; i < 3; i++) await kit.pay('d', await kit.buy('d', 'box'));
    expect(said(kit, 'c', 'earned')).toEqual(['earned 1000 L1', 'earned 1000 L1', 'earned 500 L1']);
    // 16:30 UTC on 31 January is 00:30 on 1 February in Shanghai: a new month
    await kit.until('2026-01-31T16:30:00Z');
    await kit.pay('d', await kit.buy('d', 'box'));
    expect(said(kit, 'c', 'earned')).toHaveLength(4);
    expect(said(kit, 'c', 'earned')[3]).toBe('earned 1000 L1');
    const c = await kit.ledger.account('c');
    expect(c?.months).toEqual({ '2026-01 CNY': 2500, '2026-02 CNY': 1000 });
  });

  it('become payable after the hold', async () => {
    const kit = await moneyKit(playbook());
    await chain(kit);
    await kit.pay('d', await kit.buy('d', 'box'));
    const start = kit.clock.now();
    await kit.wait('7d');
    expect(said(kit, 'c', 'payable')).toEqual(['payable 1000']);
    const [message] = kit.effects.messages('c').filter((m) => m.text.startsWith('payable'));
    expect(message?.at).toBe(start + 7 * DAY);
    expect((await kit.ledger.account('c'))?.entries.map((e) => e.status)).toEqual(['payable']);
    expect(said(kit, 'b', 'payable')).toEqual(['payable 500']);
  });

  it('are paid only on the offers that pay them', async () => {
    const kit = await moneyKit(playbook());
    await chain(kit);
    await kit.pay('d', await kit.buy('d', 'book')); // not in commissions.offers
    await kit.pay('d', await kit.buy('d', 'gift')); // listed, but commission: false
    expect(said(kit, 'c', 'earned')).toEqual([]);
    expect(await kit.ledger.account('c')).toBeUndefined();
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });

  it('rates are read as basis points, never through a float', () => {
    expect(['10%', '2.5%', '2.55%', '0.01%', '100%'].map(rateBasisPoints)).toEqual([
      1000, 250, 255, 1, 10000,
    ]);
    expect(() => rateBasisPoints('100.01%')).toThrow();
  });
});
