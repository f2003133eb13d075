import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerDeps } from '../contract.js';
import { PlaybookService, sandboxCopy } from '../playbooks/service.js';
import { builtinTemplates } from '../playbooks/templates.js';
import type { PluginHost } from './plugins.js';

export const DEMO_AGENCY = 'demo';
export const DEMO_TENANT = 'demo';
/** The template the demo tenant runs (published); the others are drafts to open in the editor. */
export const DEMO_LIVE = 'mother-baby';

export interface SeedResult {
  /** The agency-admin token, in clear: shown once, and written to `tokenFile` (embedded mode). */
  token: string;
  tokenFile: string | undefined;
  playbooks: string[];
  published: string | null;
}

/**
 * First start of the embedded default: a demo agency and tenant with every built-in template
 * instantiated on the sandbox channel and payments (valid with no credentials), one of them
 * published, and an admin token. Does nothing when the demo agency already exists.
 */
export async function seedDemo(
  deps: ServerDeps,
  plugins: PluginHost,
  dataDir: string | undefined,
): Promise<SeedResult | undefined> {
  const { control } = deps;
  if ((await control.createAgency({ id: DEMO_AGENCY, name: 'Demo agency' })) === 'exists') return undefined;
  await control.createTenant({ id: DEMO_TENANT, name: 'Demo community', agency: DEMO_AGENCY });
  await control.putSecret(
    DEMO_TENANT,
    'SANDBOX_WEBHOOK_SECRET',
    `whsec_${randomBytes(24).toString('base64')}`,
  );
  const svc = new PlaybookService(deps, plugins);
  const playbooks: string[] = [];
  for (const t of builtinTemplates().values()) {
    const params = Object.fromEntries(
      Object.entries(t.params).flatMap(([k, s]) => (s.default === undefined ? [] : [[k, s.default]])),
    );
    const made = await control.createPlaybook(DEMO_TENANT, t.id, sandboxCopy(t, t.id), { id: t.id, params });
    if (made.ok) playbooks.push(t.id);
  }
  const live = playbooks.includes(DEMO_LIVE) ? DEMO_LIVE : (playbooks[0] ?? null);
  if (live !== null) {
    const draft = await control.getPlaybook(DEMO_TENANT, live);
    if (draft) await svc.publish(DEMO_AGENCY, DEMO_TENANT, live, draft.source, 'kith serve (demo seed)');
  }
  const { secret } = await control.createToken({
    name: 'admin',
    role: 'agency-admin',
    agency: DEMO_AGENCY,
    tenant: null,
  });
  const tokenFile = dataDir === undefined ? undefined : join(dataDir, 'admin-token');
  if (tokenFile !== undefined) writeFileSync(tokenFile, `${secret}\n`, { mode: 0o600 });
  deps.log.log('info', 'demo seeded', {
    agency: DEMO_AGENCY,
    tenant: DEMO_TENANT,
    playbooks: playbooks.length,
    published: live,
  });
  return { token: secret, tokenFile, playbooks, published: live };
}
