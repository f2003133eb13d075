import { analyzeStore, Ledger, type LedgerOrder, ledgerReport, type ReferrerAccount } from '@kith/engine';
import { type Static, Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { tenantAccess } from '../../auth/access.js';
import type { AppEnv, ServerDeps } from '../../contract.js';
import { readQuery } from '../../http/body.js';
import { ProblemError } from '../../http/problem.js';
import { describeRoute } from '../../openapi/registry.js';
import { AccessToken, BASE, instant, kernelOf, publishedPlaybook } from './common.js';
import { finishedRuns } from './runs.js';

const LedgerQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ maxLength: 64, description: 'Orders created at or after (epoch ms or ISO 8601).' }),
    ),
    to: Type.Optional(
      Type.String({ maxLength: 64, description: 'Orders created before (epoch ms or ISO 8601).' }),
    ),
    access_token: AccessToken,
  },
  { additionalProperties: false },
);

/**
 * The ledger seen through a time window: the orders created in it, and of each referrer's account
 * the commissions on those orders (payouts by their own time). A referrer's debt is their standing
 * now, whatever the window.
 */
class WindowLedger extends Ledger {
  constructor(
    base: Ledger,
    private readonly inWindow: (at: number) => boolean,
    private readonly orderIds: ReadonlySet<string>,
  ) {
    super(base.store, base.tenant);
  }

  override async *orders(): AsyncIterable<LedgerOrder> {
    for await (const o of super.orders()) if (this.orderIds.has(o.id)) yield o;
  }

  override async *accounts(): AsyncIterable<ReferrerAccount> {
    for await (const a of super.accounts()) {
      yield {
        ...a,
        entries: a.entries.filter((e) => this.orderIds.has(e.order)),
        journal: a.journal.filter((j) =>
          j.order === null ? this.inWindow(j.at) : this.orderIds.has(j.order),
        ),
      };
    }
  }
}

/** The ledger report and the funnel. */
export function reportRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  describeRoute({
    method: 'GET',
    path: `${BASE}/ledger`,
    summary:
      'Revenue, refunds and commissions per currency, by offer, stage, tier, campaign and referrer; `from`/`to` select orders by creation time.',
    tags: ['reports'],
    role: 'viewer',
    query: LedgerQuery,
  });
  app.get('/ledger', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    const q = readQuery<Static<typeof LedgerQuery>>(c, LedgerQuery);
    const from = instant(q.from, '/query/from');
    const to = instant(q.to, '/query/to');
    if (from !== undefined && to !== undefined && to < from) {
      throw new ProblemError(400, 'invalid-range', '`to` is before `from`.', [
        { path: '/query/to', message: 'must not be before from' },
      ]);
    }
    const base = new Ledger(deps.engine.store, tenant.id);
    let ledger = base;
    if (from !== undefined || to !== undefined) {
      const inWindow = (at: number) => (from === undefined || at >= from) && (to === undefined || at < to);
      const ids = new Set<string>();
      for await (const o of base.orders()) if (inWindow(o.createdAt)) ids.add(o.id);
      ledger = new WindowLedger(base, inWindow, ids);
    }
    const report = await ledgerReport(ledger);
    return c.json({ from: from ?? null, to: to ?? null, ...report });
  });

  describeRoute({
    method: 'GET',
    path: `${BASE}/funnel`,
    summary:
      'The funnel of the published playbook: members per stage reached, per journey and step, conversion, goals, revenue and commissions.',
    tags: ['reports'],
    role: 'viewer',
  });
  app.get('/funnel', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    const playbook = await publishedPlaybook(deps.engine, tenant.id);
    const store = deps.engine.store;
    const analytics = await analyzeStore(store, tenant.id, playbook, {
      mechanics: kernelOf(deps.engine, tenant.id)?.mechanics ?? [],
      finished: await finishedRuns(store, tenant.id),
    });
    return c.json({ version: playbook.version, ...analytics });
  });

  return app;
}
