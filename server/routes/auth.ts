/** Sign-in, sign-out, "who am I", and API tokens (admins). */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ADMIN, ANY, PUBLIC, USERS_ONLY } from '../auth/policy.js';
import { ROLES, TOKEN_SCOPES } from '../auth/types.js';
import { actionContext, assertSameOrigin } from '../plugins/security.js';
import { ErrorResponse } from '../schemas/http.js';
import { normalizeUsername } from '../store/auth/port.js';
import { User } from './users.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

export const ApiToken = Type.Object({
  id: Type.String(),
  label: Type.String(),
  scopes: Type.Array(Type.Union(TOKEN_SCOPES.map((s) => Type.Literal(s)))),
  createdBy: nullable(Type.String()),
  createdAt: Type.String(),
  expiresAt: nullable(Type.String()),
  revokedAt: nullable(Type.String()),
  lastUsedAt: nullable(Type.String()),
});

const Principal = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('token')]),
  id: Type.String(),
  name: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  scopes: Type.Array(Type.String()),
});

const SignedIn = Type.Object({
  user: User,
  csrfToken: Type.String({ description: 'Send it as X-CSRF-Token on every change made with the session cookie' }),
  expiresAt: Type.String(),
});

const TokenParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{24}$' }) });

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { settings } = app.auth;
  const cookieOptions = { httpOnly: true, sameSite: 'strict', secure: settings.cookieSecure, path: '/' } as const;

  app.post(
    '/auth/login',
    {
      config: {
        auth: PUBLIC,
        rateLimit: {
          max: settings.loginRateLimit,
          timeWindow: settings.rateLimitWindowMs,
          // After parsing, so the key can hold the username: strict per address and name.
          hook: 'preHandler',
          keyGenerator: (request) => {
            const body = request.body as { username?: unknown } | undefined;
            const name = typeof body?.username === 'string' ? normalizeUsername(body.username).slice(0, 64) : '';
            return `login:${request.ip}:${name}`;
          },
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie',
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ minLength: 1, maxLength: 1024 }),
        }),
        response: { 200: SignedIn, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      assertSameOrigin(request);
      const signIn = await app.auth.login(request.body.username, request.body.password, actionContext(request), request.session);
      reply.setCookie(app.auth.cookieName, signIn.cookie, { ...cookieOptions, maxAge: Math.floor(settings.sessionTtlMs / 1000) });
      return { user: signIn.user, csrfToken: signIn.session.csrfToken, expiresAt: signIn.session.expiresAt };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { auth: USERS_ONLY },
      schema: { tags: ['auth'], summary: 'Sign out; ends the session', response: { 204: Type.Null(), 401: ErrorResponse } },
    },
    async (request, reply) => {
      if (request.session) await app.auth.logout(request.session, actionContext(request));
      reply.clearCookie(app.auth.cookieName, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { auth: ANY },
      schema: {
        tags: ['auth'],
        summary: 'Who is asking (a user of a session, or an API token)',
        response: {
          200: Type.Object({
            principal: Principal,
            csrfToken: nullable(Type.String()),
            expiresAt: nullable(Type.String()),
          }),
          401: ErrorResponse,
        },
      },
    },
    async (request) => ({
      principal: request.principal as NonNullable<typeof request.principal>,
      csrfToken: request.session?.csrfToken ?? null,
      expiresAt: request.session?.expiresAt ?? null,
    }),
  );

  app.get(
    '/auth/tokens',
    {
      config: { auth: ADMIN },
      schema: {
        tags: ['auth'],
        summary: 'API tokens (never their secrets)',
        response: { 200: Type.Object({ tokens: Type.Array(ApiToken) }) },
      },
    },
    async () => ({ tokens: await app.auth.listTokens() }),
  );

  app.post(
    '/auth/tokens',
    {
      config: { auth: ADMIN },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token; its secret is in this answer only',
        body: Type.Object(
          {
            label: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(Type.Union(TOKEN_SCOPES.map((s) => Type.Literal(s))), { minItems: 1, maxItems: 3 }),
            expiresAt: Type.Optional(Instant),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            token: ApiToken,
            secret: Type.String({ description: 'Authorization: Bearer <secret>; shown once' }),
          }),
          400: ErrorResponse,
        },
      },
    },
    async (request, reply) => reply.code(201).send(await app.auth.createToken(request.body, actionContext(request))),
  );

  app.delete(
    '/auth/tokens/:id',
    {
      config: { auth: ADMIN },
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token',
        params: TokenParams,
        response: { 200: ApiToken, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => app.auth.revokeToken(request.params.id, actionContext(request)),
  );
};
