/** The saved-view and event-marker API over HTTP: roles, ownership, privacy, ranges, audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { sqliteTestStore, type TestStore } from '../../helpers/stores.js';

let testStore: TestStore;
let app: FastifyInstance;
let admin: SignedIn;
let analyst: SignedIn;
let otherAnalyst: SignedIn;
let viewer: SignedIn;

beforeAll(async () => {
  testStore = await sqliteTestStore();
  app = await buildApp({ store: testStore.store });
  [admin, analyst, otherAnalyst, viewer] = [
    await signIn(app, 'admin'),
    await signIn(app, 'analyst'),
    await signIn(app, 'analyst'),
    await signIn(app, 'viewer'),
  ];
});
afterAll(async () => {
  await app?.close();
  await testStore?.dispose();
});

async function auditActions(): Promise<{ action: string; target: { id: string } | null; actor: { name: string } | null }[]> {
  const res = await admin.inject({ method: 'GET', url: '/api/v1/audit?limit=100' });
  return (res.json() as { entries: { action: string; target: { id: string } | null; actor: { name: string } | null }[] }).entries;
}

describe('saved views API', () => {
  it('saves a view for an analyst, lists it for its owner, and shows it to the team once shared', async () => {
    const created = await analyst.inject({
      method: 'POST',
      url: '/api/v1/saved-views',
      payload: { name: 'KP exchange coverage', kind: 'search', query: { q: 'exchange', side: 'KP', range: '7d' } },
    });
    expect(created.statusCode).toBe(201);
    const view = created.json() as { id: string; owner: { name: string }; shared: boolean };
    expect([view.owner.name, view.shared]).toEqual([analyst.username, false]);

    const names = async (who: SignedIn) =>
      ((await who.inject({ method: 'GET', url: '/api/v1/saved-views' })).json() as { views: { name: string }[] }).views.map(
        (v) => v.name,
      );
    expect(await names(analyst)).toContain('KP exchange coverage');
    expect(await names(viewer)).not.toContain('KP exchange coverage');
    expect((await viewer.inject({ method: 'GET', url: `/api/v1/saved-views/${view.id}` })).statusCode).toBe(404);

    const shared = await analyst.inject({ method: 'PATCH', url: `/api/v1/saved-views/${view.id}`, payload: { shared: true } });
    expect(shared.statusCode).toBe(200);
    expect(await names(viewer)).toContain('KP exchange coverage');
    const read = await viewer.inject({ method: 'GET', url: `/api/v1/saved-views/${view.id}` });
    expect((read.json() as { query: Record<string, string> }).query).toEqual({ q: 'exchange', side: 'KP', range: '7d' });

    const entries = await auditActions();
    expect(entries.filter((e) => e.target?.id === view.id).map((e) => e.action)).toEqual(['view.update', 'view.create']);
  });

  it('refuses viewers’ saves and other users’ changes, but lets an admin delete', async () => {
    const byViewer = await viewer.inject({
      method: 'POST',
      url: '/api/v1/saved-views',
      payload: { name: 'nope', kind: 'search', query: {} },
    });
    expect(byViewer.statusCode).toBe(403);
    const created = await analyst.inject({
      method: 'POST',
      url: '/api/v1/saved-views',
      payload: { name: 'Team framing', kind: 'framing', query: { range: '30d' }, shared: true },
    });
    const id = (created.json() as { id: string }).id;
    const byOther = await otherAnalyst.inject({
      method: 'PATCH',
      url: `/api/v1/saved-views/${id}`,
      payload: { name: 'mine now' },
    });
    expect(byOther.statusCode).toBe(403);
    expect((byOther.json() as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await otherAnalyst.inject({ method: 'DELETE', url: `/api/v1/saved-views/${id}` })).statusCode).toBe(403);
    expect((await admin.inject({ method: 'DELETE', url: `/api/v1/saved-views/${id}` })).statusCode).toBe(204);
    expect((await admin.inject({ method: 'DELETE', url: `/api/v1/saved-views/${id}` })).statusCode).toBe(404);
    const entries = await auditActions();
    expect(entries.find((e) => e.target?.id === id && e.action === 'view.delete')?.actor?.name).toBe(admin.username);
  });

  it('rejects malformed bodies with the one error shape', async () => {
    const bad = await analyst.inject({
      method: 'POST',
      url: '/api/v1/saved-views',
      payload: { name: '', kind: 'dashboard', query: { q: 1 } },
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { code: string } }).error.code).toBeTruthy();
  });
});

describe('event markers API', () => {
  it('lets analysts add, move and delete markers, viewers read them in a range, and audits each change', async () => {
    const add = (at: string, label: string) =>
      analyst.inject({ method: 'POST', url: '/api/v1/markers', payload: { at, label, sides: ['UA'] } });
    const first = await add('2026-01-10T08:00:00+02:00', 'Exchange offer announced');
    const second = await add('2026-01-20T00:00:00Z', 'KCNA acknowledges the deployment');
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    const firstMarker = first.json() as { id: string; at: string; createdBy: { name: string } };
    expect(firstMarker.at).toBe('2026-01-10T06:00:00.000Z');
    expect(firstMarker.createdBy.name).toBe(analyst.username);

    const list = async (query: string) =>
      (
        (await viewer.inject({ method: 'GET', url: `/api/v1/markers${query}` })).json() as {
          markers: { label: string }[];
        }
      ).markers.map((m) => m.label);
    expect(await list('')).toEqual(['Exchange offer announced', 'KCNA acknowledges the deployment']);
    expect(await list('?from=2026-01-15T00:00:00Z&to=2026-02-01T00:00:00Z')).toEqual(['KCNA acknowledges the deployment']);
    const inverted = await viewer.inject({
      method: 'GET',
      url: '/api/v1/markers?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    });
    expect(inverted.statusCode).toBe(400);

    // Markers belong to the team: another analyst may correct one.
    const moved = await otherAnalyst.inject({
      method: 'PATCH',
      url: `/api/v1/markers/${firstMarker.id}`,
      payload: { at: '2026-01-16T00:00:00Z', description: 'moved after checking the source' },
    });
    expect(moved.statusCode).toBe(200);
    expect(await list('?from=2026-01-15T00:00:00Z')).toEqual(['Exchange offer announced', 'KCNA acknowledges the deployment']);

    expect(
      (await viewer.inject({ method: 'POST', url: '/api/v1/markers', payload: { at: '2026-01-01T00:00:00Z', label: 'x' } }))
        .statusCode,
    ).toBe(403);
    expect((await viewer.inject({ method: 'DELETE', url: `/api/v1/markers/${firstMarker.id}` })).statusCode).toBe(403);
    expect((await analyst.inject({ method: 'DELETE', url: `/api/v1/markers/${firstMarker.id}` })).statusCode).toBe(204);
    expect((await analyst.inject({ method: 'GET', url: `/api/v1/markers/${firstMarker.id}` })).statusCode).toBe(404);

    const actions = (await auditActions()).filter((e) => e.target?.id === firstMarker.id).map((e) => e.action);
    expect(actions).toEqual(['marker.delete', 'marker.update', 'marker.create']);
  });

  it('refuses a marker without a valid instant or label', async () => {
    const res = await analyst.inject({ method: 'POST', url: '/api/v1/markers', payload: { at: 'yesterday', label: '' } });
    expect(res.statusCode).toBe(400);
  });
});
