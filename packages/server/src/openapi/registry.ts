import type { TSchema } from '@sinclair/typebox';

/**
 * Who may call a route: `public` (no token), `any` (any valid token), `viewer`/`editor` (a token
 * that can read/write the `:tenant` in the path), `agency-admin`.
 */
export type RouteRole = 'public' | 'any' | 'viewer' | 'editor' | 'agency-admin';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDescription {
  method: HttpMethod;
  /** The full path as in ROUTES.md, Hono style: `/api/v1/tenants/:tenant/events`. */
  path: string;
  summary: string;
  tags: string[];
  role: RouteRole;
  body?: TSchema;
  query?: TSchema;
  response?: TSchema;
  /** The success status (200 unless said). */
  status?: number;
  /** `text/event-stream` routes (SSE). */
  stream?: boolean;
}

const routes = new Map<string, RouteDescription>();

/**
 * Declares a route for `/openapi.json`, `/docs` and the route-table tests (401/404/403 for every
 * route). Call it next to the handler with the same TypeBox schemas the handler validates with;
 * describing the same method and path again replaces the earlier description.
 */
export function describeRoute(route: RouteDescription): RouteDescription {
  if (!route.path.startsWith('/')) throw new Error(`describeRoute: path must start with '/': ${route.path}`);
  routes.set(`${route.method} ${route.path}`, route);
  return route;
}

/** Every described route, in path order. */
export function describedRoutes(): RouteDescription[] {
  return [...routes.values()].sort(
    (a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method),
  );
}
