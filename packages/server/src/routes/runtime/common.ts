import type { CompiledPlaybook, Kernel } from '@kith/engine';
import { Type } from '@sinclair/typebox';
import type { EngineHost } from '../../contract.js';
import { ProblemError } from '../../http/problem.js';

export const BASE = '/api/v1/tenants/:tenant';

/** Member and event ids: 1–200 printable characters (ROUTES.md). */
export const PRINTABLE_PATTERN = '^[^\\u0000-\\u001f\\u007f]{1,200}$';
const PRINTABLE = new RegExp(PRINTABLE_PATTERN, 'u');

export const ExternalId = (description: string) =>
  Type.String({ minLength: 1, maxLength: 200, pattern: PRINTABLE_PATTERN, description });

export const Id = (description: string) =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', description });

/** Optional: the query reader applies no defaults, so routes write `?? fallback`. */
export const Limit = (max: number, fallback: number) =>
  Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: max,
      default: fallback,
      description: `Items per page (1–${max}, default ${fallback}).`,
    }),
  );

/** Any GET may carry the token in the query (the auth middleware reads it); a query schema must let it by. */
export const AccessToken = Type.Optional(
  Type.String({ description: 'The token, for clients that cannot send `Authorization` (EventSource).' }),
);

export const Cursor = Type.String({
  minLength: 1,
  maxLength: 400,
  description: 'The `next` of the previous page.',
});

/** A path parameter that must be a member id; 400 at `/path/<name>` otherwise. */
export function externalParam(value: string | undefined, name: string): string {
  if (value === undefined || !PRINTABLE.test(value)) {
    throw new ProblemError(400, 'invalid-path', `'${name}' must be 1–200 printable characters.`, [
      { path: `/path/${name}`, message: 'must be 1–200 printable characters' },
    ]);
  }
  return value;
}

/** The kernel of a tenant's published playbook as this process has it, or undefined. */
export function kernelOf(engine: EngineHost, tenant: string): Kernel | undefined {
  try {
    return engine.runtime.kernel(tenant);
  } catch {
    return undefined;
  }
}

/**
 * The kernel, compiling the published versions from the store first when this process has not
 * seen them (an API process that did not publish them itself, after a restart or beside others).
 */
export async function loadedKernel(engine: EngineHost, tenant: string): Promise<Kernel | undefined> {
  const known = kernelOf(engine, tenant);
  if (known !== undefined) return known;
  // `Runtime.load` where the engine has it (older engines only `recover`, which walks every member)
  const load = (engine.runtime as Partial<{ load(tenant: string): Promise<void> }>).load;
  if (typeof load !== 'function') return undefined;
  await load.call(engine.runtime, tenant);
  return kernelOf(engine, tenant);
}

/** The version new runs start on; 409 with what to do when nothing is published yet. */
export async function publishedPlaybook(engine: EngineHost, tenant: string): Promise<CompiledPlaybook> {
  const k = await loadedKernel(engine, tenant);
  if (k === undefined) {
    throw new ProblemError(
      409,
      'not-published',
      `Tenant '${tenant}' has no published playbook yet; publish one (POST …/playbooks/:playbook/publish) first.`,
    );
  }
  return k.current;
}

/** An instant given as epoch milliseconds or ISO 8601 text; 400 at `path` when it is neither. */
export function instant(value: string | number | undefined, path: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new ProblemError(400, 'invalid-time', `${path} must be epoch milliseconds or an ISO 8601 time.`, [
      { path, message: 'must be epoch milliseconds or an ISO 8601 time such as 2026-03-01T08:00:00Z' },
    ]);
  }
  return ms;
}

export const Instant = (description: string) =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1, maxLength: 64 })], { description });

/** Opaque page cursors: base64url JSON, so clients never build them. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(text: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!check(value)) {
    throw new ProblemError(
      400,
      'invalid-cursor',
      'The cursor is not one this server gave out; pass `next` from the previous page as is.',
      [{ path: '/query/cursor', message: 'is not a cursor from a previous page' }],
    );
  }
  return value;
}

/** A total order on ids: pagination needs one, whatever order a store lists them in. */
export function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
