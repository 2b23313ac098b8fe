/**
 * The edge: security headers and CSP, cookies, authentication and authorization of every route
 * (once, here, from each route's policy), CSRF checks for cookie-authenticated changes, rate
 * limits, and the audit of changes made through routes that do not audit themselves.
 * Registered before any route so that every route gets a policy.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { equalSecrets } from '../auth/credentials.js';
import { ANY, allows, auditedAction, routePolicy, type RoutePolicy } from '../auth/policy.js';
import { AuthError, CSRF_HEADER, unauthenticated, type ActionContext, type AuthService } from '../auth/service.js';
import type { Principal } from '../auth/types.js';
import { AppError } from '../domain/errors.js';
import type { SessionRecord } from '../store/auth/port.js';

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
    /** Every registered route with the access policy it got (tests prove each one is enforced). */
    routePolicies: { method: string; url: string; policy: RoutePolicy }[];
  }
  interface FastifyRequest {
    principal: Principal | null;
    session: SessionRecord | null;
  }
  interface FastifyContextConfig {
    auth?: RoutePolicy;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function actionContext(request: FastifyRequest): ActionContext {
  return { actor: request.principal, ip: request.ip };
}

const csrfFailed = (message: string) => new AuthError('csrf_failed', 403, message);

/** Refuses requests a browser marks as coming from another site (login CSRF, cross-site forms). */
export function assertSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw csrfFailed('cross-site request refused');
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let same = false;
  try {
    const from = new URL(origin);
    // Read the Host header with the origin's scheme, so default ports compare equal (x:80 = x).
    same = from.host === new URL(`${from.protocol}//${request.headers.host ?? ''}`).host;
  } catch {
    // "null" and other opaque origins
  }
  if (!same) throw csrfFailed('cross-origin request refused');
}

function assertCsrf(request: FastifyRequest, session: SessionRecord): void {
  assertSameOrigin(request);
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== 'string' || !equalSecrets(header, session.csrfToken)) {
    throw csrfFailed('missing or wrong X-CSRF-Token header (read it from GET /api/v1/auth/me or the sign-in answer)');
  }
}

function effectivePolicy(request: FastifyRequest, path: string): RoutePolicy {
  const url = request.routeOptions.url;
  const api = path === '/api' || path.startsWith('/api/');
  // Unknown paths: under /api they need a principal first (no probing for routes), elsewhere 404.
  if (url === undefined || (api && url === '/*')) return api ? ANY : { public: true };
  return routePolicy(request.method, url, request.routeOptions.config.auth);
}

export async function registerSecurity(app: FastifyInstance, auth: AuthService): Promise<void> {
  const { settings } = auth;
  app.decorate('auth', auth);
  app.decorate('routePolicies', []);
  app.decorateRequest('principal', null);
  app.decorateRequest('session', null);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      app.routePolicies.push({ method, url: route.url, policy: routePolicy(method, route.url, route.config?.auth) });
    }
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        ...(settings.cookieSecure && { upgradeInsecureRequests: [] }),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: settings.cookieSecure ? { maxAge: 31_536_000 } : false,
  });
  await app.register(fastifyCookie);

  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    const policy = effectivePolicy(request, path);
    if (policy.public) {
      // Public API routes (sign-in) still learn who calls, to rotate an existing session.
      if (path.startsWith('/api/') && (request.headers.cookie || request.headers.authorization)) {
        const resolved = await auth.resolve(request.headers);
        request.principal = resolved?.principal ?? null;
        request.session = resolved?.session ?? null;
      }
      return;
    }
    const resolved = await auth.resolve(request.headers);
    if (!resolved) throw unauthenticated();
    request.principal = resolved.principal;
    request.session = resolved.session;
    if (!allows(policy, resolved.principal)) {
      throw new AuthError(
        'forbidden',
        403,
        resolved.principal.kind === 'token'
          ? `this token's scopes (${resolved.principal.scopes.join(', ')}) do not allow ${request.method} ${request.routeOptions.url ?? path}`
          : `the ${resolved.principal.role} role does not allow ${request.method} ${request.routeOptions.url ?? path}`,
      );
    }
    if (resolved.session && !SAFE_METHODS.has(request.method)) assertCsrf(request, resolved.session);
  });

  // Route-level hooks run after the authentication hook above, so limits are per principal.
  await app.register(fastifyRateLimit, {
    global: true,
    max: settings.apiRateLimit,
    timeWindow: settings.rateLimitWindowMs,
    keyGenerator: (request) => (request.principal ? `${request.principal.kind}:${request.principal.id}` : `ip:${request.ip}`),
    allowList: (request) => request.url === '/healthz' || request.url === '/readyz',
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', context.statusCode, `too many requests; try again in ${context.after}`),
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const audited = auditedAction(request.method, request.routeOptions.url);
    if (audited && reply.statusCode < 400) {
      const params = (request.params ?? {}) as Record<string, unknown>;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const id = typeof params.id === 'string' ? params.id : typeof body.id === 'string' ? body.id : '';
      const detail: Record<string, unknown> = request.method === 'DELETE' ? {} : { fields: Object.keys(body).sort() };
      if (typeof body.name === 'string') detail.name = body.name;
      try {
        await auth.audit(actionContext(request), audited.action, { type: audited.target, id }, detail);
      } catch (error) {
        // The change is committed; failing the response now would misreport it.
        request.log.error({ err: error, action: audited.action }, 'audit entry not written');
      }
    }
    return payload;
  });
}
