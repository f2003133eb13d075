import { expect, it } from 'vitest';
import { Ledger, checkLedger, ledgerReport } from '../src/index.js';
import { moneyKit, moneyPlaybook } from './ledger-fixtures.js';

it('scratch', async () => {
  const kit = await moneyKit(
    moneyPlaybook(
      `  box: { price: 10000, currency: CNY, tierPrice: { vip: 8000 } }`,
      `referrals:
  commissions:
    levels: [{ rate: "10%" }, { rate: "5%" }]
    hold: 14d`,
    ),
  );
  await kit.event('member.joined', 'a');
  await kit.event('member.joined', 'b', { referrer: 'a' });
  await kit.event('member.joined', 'c', { referrer: 'b' });
  const o = await kit.buy('c', 'box');
  await kit.pay('c', o);
  const ledger = new Ledger(kit.store, kit.tenant);
  console.log(JSON.stringify(await ledger.order(o), null, 1));
  console.log(JSON.stringify(await ledger.account('b'), null, 1));
  console.log((await kit.member('a')).profile, (await kit.member('c')).profile);
  await kit.wait('15d');
  console.log(JSON.stringify(await ledger.account('b'), null, 1));
  console.log(await checkLedger(ledger));
  console.log(JSON.stringify(await ledgerReport(ledger), null, 1));
  console.log(kit.runtime.store === kit.store, kit.effects.delivered.map((e) => e.type));
  expect(1).toBe(1);
});
