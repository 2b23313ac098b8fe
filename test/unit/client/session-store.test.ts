/** Who may edit: the session store against answers of GET /auth/me (fetch stubbed, no DOM). */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSessionStore } from '../../../client/src/stores/session.js';

const answer = (status: number, body: unknown) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
const me = (role: string) => ({
  principal: { kind: 'user', id: 'u1', name: 'ana', role, scopes: [] },
  csrfToken: 'csrf-1',
  expiresAt: null,
});

describe('session store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('lets analysts edit and hides editing from viewers', async () => {
    vi.stubGlobal('fetch', answer(200, me('analyst')));
    const analyst = useSessionStore();
    await analyst.load();
    expect([analyst.state, analyst.canEdit, analyst.isAdmin]).toEqual(['signed-in', true, false]);

    setActivePinia(createPinia());
    vi.stubGlobal('fetch', answer(200, me('viewer')));
    const viewer = useSessionStore();
    await viewer.load();
    expect(viewer.canEdit).toBe(false);
  });

  it('is signed out on 401, and treats a server without auth routes as open', async () => {
    vi.stubGlobal('fetch', answer(401, { error: { code: 'unauthenticated', message: 'sign in', statusCode: 401 } }));
    const session = useSessionStore();
    expect(await session.load()).toBe('signed-out');
    expect(session.canEdit).toBe(false);

    vi.stubGlobal(
      'fetch',
      answer(404, { error: { code: 'not_found', message: 'no route GET /api/v1/auth/me', statusCode: 404 } }),
    );
    expect(await session.load()).toBe('no-auth');
    expect(session.canEdit).toBe(true);
  });

  it('sends the CSRF token from the session on changes', async () => {
    const fetchMock = answer(200, me('admin'));
    vi.stubGlobal('fetch', fetchMock);
    const session = useSessionStore();
    await session.load();
    await session.logout().catch(() => undefined);
    const [, init] = fetchMock.mock.calls.at(-1) as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>)['x-csrf-token']).toBe('csrf-1');
  });
});
