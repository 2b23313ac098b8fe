/** Saved views and event markers: both adapters store, list, change and delete them identically. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../server/domain/errors.js';
import type { Store } from '../../server/store/port.js';
import type { EventMarker, SavedView } from '../../server/store/team/port.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../helpers/stores.js';

const now = new Date('2026-02-02T12:00:00.000Z');

// The harness's pattern without its item corpus (these records need none).
let sqlite: TestStore;
let elastic: TestStore;
beforeAll(async () => {
  [sqlite, elastic] = await Promise.all([sqliteTestStore(), elasticsearchTestStore()]);
});
afterAll(async () => {
  await Promise.all([sqlite?.dispose(), elastic?.dispose()]);
});
const stores = {
  both: async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const [a, b] = await Promise.all([fn(sqlite.store), fn(elastic.store)]);
    expect(b, 'Elasticsearch answers as SQLite does').toEqual(a);
    return a;
  },
  adapters: (): [string, Store][] => [
    ['sqlite', sqlite.store],
    ['elasticsearch', elastic.store],
  ],
};

let sequence = 0;
function aView(overrides: Partial<SavedView> = {}): SavedView {
  const n = ++sequence;
  return {
    id: `sv_contract_${n}`,
    name: `View ${n}`,
    kind: 'search',
    query: { q: 'обмін полонених', side: 'UA,KP', range: '7d' },
    owner: { id: 'u_alice', name: 'alice' },
    shared: false,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...overrides,
  };
}

function aMarker(overrides: Partial<EventMarker> = {}): EventMarker {
  const n = ++sequence;
  return {
    id: `mk_contract_${n}`,
    at: '2026-01-20T10:00:00.000Z',
    label: `Marker ${n}`,
    description: null,
    sides: [],
    createdBy: { id: 'u_alice', name: 'alice' },
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...overrides,
  };
}

describe('saved views', () => {
  it('lists a user’s own views and every shared view, by name then id, never another user’s private ones', async () => {
    const mine = aView({ name: 'zeta watch' });
    const shared = aView({ name: 'Alpha shared', owner: { id: 'u_bob', name: 'bob' }, shared: true });
    const bobsPrivate = aView({ name: 'Bob private', owner: { id: 'u_bob', name: 'bob' } });
    await stores.both(async (store) => {
      for (const view of [mine, shared, bobsPrivate]) await store.team.createView(view);
    });
    const forAlice = await stores.both((store) => store.team.listViews('u_alice'));
    expect(forAlice.map((v) => v.name)).toEqual(['Alpha shared', 'zeta watch']);
    expect(forAlice[1]).toEqual(mine);
    const forBob = await stores.both((store) => store.team.listViews('u_bob'));
    expect(forBob.map((v) => v.name)).toEqual(['Alpha shared', 'Bob private']);
  });

  it('keeps the query as given (non-Latin text included) and updates only the patched fields', async () => {
    const view = aView();
    await stores.both((store) => store.team.createView(view));
    const updated = await stores.both((store) =>
      store.team.updateView(view.id, { name: 'Renamed', shared: true, updatedAt: '2026-02-03T00:00:00.000Z' }),
    );
    expect(updated).toEqual({ ...view, name: 'Renamed', shared: true, updatedAt: '2026-02-03T00:00:00.000Z' });
    expect(await stores.both((store) => store.team.getView(view.id))).toEqual(updated);
    expect(updated.query.q).toBe('обмін полонених');
  });

  it('deletes, and answers NotFound for what does not exist', async () => {
    const view = aView();
    await stores.both((store) => store.team.createView(view));
    await stores.both((store) => store.team.deleteView(view.id));
    expect(await stores.both((store) => store.team.getView(view.id))).toBeNull();
    for (const [, store] of stores.adapters()) {
      await expect(store.team.deleteView(view.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.team.updateView('sv_nope', { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});

describe('event markers', () => {
  const early = aMarker({ at: '2026-01-10T08:00:00.000Z', label: 'Exchange offer announced', sides: ['UA'] });
  const middle = aMarker({ at: '2026-01-15T00:00:00.000Z', label: 'KCNA acknowledges the deployment', sides: ['KP', 'RU'] });
  const late = aMarker({ at: '2026-01-25T16:30:00+02:00', label: 'Late', description: 'given with an offset' });

  it('lists markers in a range (from inclusive, to exclusive), earliest first, instants in UTC', async () => {
    await stores.both(async (store) => {
      for (const marker of [late, early, middle]) await store.team.createMarker(marker);
    });
    const all = await stores.both((store) => store.team.listMarkers({ limit: 100 }));
    const ours = all.filter((m) => [early.id, middle.id, late.id].includes(m.id));
    expect(ours.map((m) => m.label)).toEqual(['Exchange offer announced', 'KCNA acknowledges the deployment', 'Late']);
    expect(ours[2]!.at).toBe('2026-01-25T14:30:00.000Z');
    expect(ours[1]!.sides).toEqual(['KP', 'RU']);
    const ranged = await stores.both((store) =>
      store.team.listMarkers({ from: '2026-01-15T00:00:00.000Z', to: '2026-01-25T14:30:00.000Z', limit: 100 }),
    );
    expect(ranged.map((m) => m.id)).toEqual([middle.id]);
    expect(await stores.both((store) => store.team.listMarkers({ limit: 1 }))).toHaveLength(1);
  });

  it('moves, relabels and deletes a marker', async () => {
    const marker = aMarker({ at: '2026-01-05T00:00:00.000Z' });
    await stores.both((store) => store.team.createMarker(marker));
    const moved = await stores.both((store) =>
      store.team.updateMarker(marker.id, { at: '2026-01-06T12:00:00Z', label: 'Moved', description: 'why' }),
    );
    expect([moved.at, moved.label, moved.description, moved.sides]).toEqual(['2026-01-06T12:00:00.000Z', 'Moved', 'why', []]);
    const inRange = await stores.both((store) =>
      store.team.listMarkers({ from: '2026-01-06T00:00:00Z', to: '2026-01-07T00:00:00Z', limit: 10 }),
    );
    expect(inRange.map((m) => m.id)).toEqual([marker.id]);
    await stores.both((store) => store.team.deleteMarker(marker.id));
    expect(await stores.both((store) => store.team.getMarker(marker.id))).toBeNull();
    for (const [, store] of stores.adapters()) {
      await expect(store.team.deleteMarker(marker.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.team.updateMarker(marker.id, { label: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});
