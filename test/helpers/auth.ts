/**
 * Authenticated access for tests: an app with an admin API token, signed-in users of any role
 * (session cookie + CSRF token), and an inject that carries those credentials.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../server/app.js';
import { SYSTEM } from '../../server/auth/service.js';
import type { Role, TokenScope } from '../../server/auth/types.js';
import type { Store } from '../../server/store/port.js';

export type Inject = (options: InjectOptions) => Promise<LightMyRequestResponse>;

let sequence = 0;
export const TEST_PASSWORD = 'a test password, long enough';

/** An inject that adds headers (credentials) to every request; a request's own headers win. */
export function withHeaders(app: FastifyInstance, headers: Record<string, string>): Inject {
  return (options) => app.inject({ ...options, headers: { ...headers, ...(options.headers as Record<string, string>) } });
}

/** A new API token with the given scopes; its bearer header. */
export async function tokenHeaders(app: FastifyInstance, scopes: TokenScope[] = ['admin']): Promise<Record<string, string>> {
  const { secret } = await app.auth.createToken({ label: `test-${scopes.join('-')}-${++sequence}`, scopes }, SYSTEM);
  return { authorization: `Bearer ${secret}` };
}

export interface SignedIn {
  userId: string;
  username: string;
  cookie: string;
  csrfToken: string;
  /** Cookie and X-CSRF-Token, as the dashboard sends them. */
  headers: Record<string, string>;
  inject: Inject;
}

/** Creates a user of the role and signs in over HTTP, as a browser would. */
export async function signIn(
  app: FastifyInstance,
  role: Role = 'admin',
  username = `${role}-${process.pid}-${++sequence}`,
): Promise<SignedIn> {
  const { user } = await app.auth.createUser({ username, role, password: TEST_PASSWORD }, SYSTEM);
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookie(res);
  const csrfToken = (res.json() as { csrfToken: string }).csrfToken;
  const headers = { cookie, 'x-csrf-token': csrfToken };
  return { userId: user.id, username: user.username, cookie, csrfToken, headers, inject: withHeaders(app, headers) };
}

/** "name=value" of the session cookie a response set. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const set = res.headers['set-cookie'];
  const first = (Array.isArray(set) ? set : [set]).find((c) => typeof c === 'string' && c.includes('fw_session='));
  if (!first) throw new Error('no session cookie was set');
  return first.split(';')[0] ?? '';
}

export interface TestApp {
  app: FastifyInstance;
  /** Requests with an admin-scoped API token (no CSRF needed). */
  inject: Inject;
  headers: Record<string, string>;
}

/** buildApp plus an admin API token, for tests about something other than auth. */
export async function buildTestApp(store: Store, options: Omit<AppOptions, 'store'> = {}): Promise<TestApp> {
  const app = await buildApp({ store, ...options });
  const headers = await tokenHeaders(app, ['admin']);
  return { app, inject: withHeaders(app, headers), headers };
}

/** Signs in over real HTTP (a listening server) and answers the session cookie ("name=value"). */
export async function sessionCookieOver(base: string, username: string, password = TEST_PASSWORD): Promise<string> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`sign-in of ${username} answered ${login.status}`);
  return (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}
