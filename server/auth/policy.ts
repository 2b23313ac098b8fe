/**
 * Who may call which route, decided once per route when it is registered (see plugins/security.ts)
 * and enforced once per request at the edge, never in handlers. A route may declare
 * `config: { auth: ... }`; otherwise the method decides: reads for every role and read-scoped
 * tokens, changes for analysts, admins and admin-scoped tokens.
 */
import { ROLES, TOKEN_SCOPES, type Principal, type Role, type TokenScope } from './types.js';

export interface AccessPolicy {
  public?: false;
  roles: readonly Role[];
  scopes: readonly TokenScope[];
}
export type RoutePolicy = { public: true } | AccessPolicy;

export const PUBLIC: RoutePolicy = { public: true };
export const READ: AccessPolicy = { roles: ROLES, scopes: ['read', 'admin'] };
export const WRITE: AccessPolicy = { roles: ['admin', 'analyst'], scopes: ['admin'] };
export const INGEST: AccessPolicy = { roles: ['admin', 'analyst'], scopes: ['ingest', 'admin'] };
export const ADMIN: AccessPolicy = { roles: ['admin'], scopes: ['admin'] };
/** Any signed-in principal, whatever its role or scopes (e.g. "who am I"). */
export const ANY: AccessPolicy = { roles: ROLES, scopes: TOKEN_SCOPES };
/** People only: tokens have no session to end. */
export const USERS_ONLY: AccessPolicy = { roles: ROLES, scopes: [] };

/** Routes registered outside auth's files whose access differs from their method's default. */
const OVERRIDES: Record<string, RoutePolicy> = {
  'POST /api/v1/items': INGEST,
};

/** Public routes: probes, the API description, the static client. Everything else needs a principal. */
function isPublic(method: string, url: string): boolean {
  if (url === '/healthz' || url === '/readyz') return true;
  if (url === '/docs' || url.startsWith('/docs/')) return method === 'GET' || method === 'HEAD';
  // @fastify/static serves the client from '/' and '/*'; unknown /api paths fall through to it
  // and are re-checked per request (see requestPolicy).
  if (url === '/' || url === '/*') return method === 'GET' || method === 'HEAD';
  return false;
}

export function routePolicy(method: string, url: string, declared: RoutePolicy | undefined): RoutePolicy {
  if (declared) return declared;
  const override = OVERRIDES[`${method} ${url}`];
  if (override) return override;
  if (isPublic(method, url)) return PUBLIC;
  return method === 'GET' || method === 'HEAD' ? READ : WRITE;
}

/** Roles' implied scopes: what a signed-in person may do, in token terms. */
export function scopesForRole(role: Role): TokenScope[] {
  return role === 'admin' ? ['ingest', 'read', 'admin'] : role === 'analyst' ? ['ingest', 'read'] : ['read'];
}

/** The role a token acts with (for display and for code that asks about roles). */
export function roleForScopes(scopes: readonly TokenScope[]): Role {
  return scopes.includes('admin') ? 'admin' : scopes.includes('ingest') ? 'analyst' : 'viewer';
}

export function allows(policy: AccessPolicy, principal: Principal): boolean {
  return principal.kind === 'user'
    ? policy.roles.includes(principal.role)
    : policy.scopes.some((scope) => principal.scopes.includes(scope));
}

/** Changes made through routes outside auth's files that go to the audit log. */
const AUDITED: Record<string, { action: string; target: string }> = {
  'POST /api/v1/sources': { action: 'source.create', target: 'source' },
  'PATCH /api/v1/sources/:id': { action: 'source.update', target: 'source' },
  'DELETE /api/v1/sources/:id': { action: 'source.delete', target: 'source' },
};

export function auditedAction(method: string, url: string | undefined): { action: string; target: string } | null {
  return url === undefined ? null : (AUDITED[`${method} ${url}`] ?? null);
}
