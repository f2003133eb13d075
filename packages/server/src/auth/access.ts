import type { Access, AppContext, Principal, ServerDeps } from '../contract.js';
import { ProblemError } from '../http/problem.js';

/** Ids of tenants, playbooks, templates and secrets (ROUTES.md). */
export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function notFound(what: string): ProblemError {
  return new ProblemError(404, 'not-found', `${what} does not exist or this token cannot see it.`);
}

/** The caller, set by the auth middleware; a route reached without one is a wiring mistake → 401. */
export function principalOf(c: AppContext): Principal {
  const p = c.get('principal') as Principal | undefined;
  if (!p) throw new ProblemError(401, 'unauthenticated', 'Send a token: `Authorization: Bearer <token>`.');
  return p;
}

/** Whether a principal may see a tenant at all (its agency's; or its own for a tenant token). */
export function canSee(p: Principal, tenant: { id: string; agency: string }): boolean {
  if (tenant.agency !== p.agency) return false;
  return p.tenant === null || p.tenant === tenant.id;
}

/**
 * The tenant named by the `:tenant` path parameter, if the caller may reach it with `need`.
 * Not visible (unknown, another agency's, another tenant's) → 404, so existence never leaks;
 * a viewer asking to write → 403.
 */
export async function tenantAccess(
  c: AppContext,
  deps: ServerDeps,
  need: Access,
): Promise<{ id: string; name: string; agency: string }> {
  const p = principalOf(c);
  const id = c.req.param('tenant') ?? '';
  const tenant = ID_PATTERN.test(id) ? await deps.control.getTenant(id) : undefined;
  if (!tenant || !canSee(p, tenant)) throw notFound(`Tenant '${id.slice(0, 64)}'`);
  if (need === 'write' && p.role === 'tenant-viewer') {
    throw new ProblemError(
      403,
      'forbidden',
      'This token may read this tenant but not change it; use an editor token.',
    );
  }
  return { id: tenant.id, name: tenant.name, agency: tenant.agency };
}

/** Agency-wide actions (tenants, tokens, templates, rollouts): agency-admin tokens only → else 403. */
export function requireAgencyAdmin(c: AppContext): Principal {
  const p = principalOf(c);
  if (p.role !== 'agency-admin') {
    throw new ProblemError(403, 'forbidden', 'Only an agency-admin token may do this.');
  }
  return p;
}
