/**
 * What the team shares besides the collected data: saved views (a search or filtered view under a
 * name) and event markers (dated annotations shown on every time chart and in briefings). One
 * implementation per adapter, like the auth repository; the contract suite pins both.
 */

export const SAVED_VIEW_KINDS = ['search', 'overview', 'framing', 'releases'] as const;
export type SavedViewKind = (typeof SAVED_VIEW_KINDS)[number];

export interface TeamActor {
  id: string;
  name: string;
}

export interface SavedView {
  id: string;
  name: string;
  kind: SavedViewKind;
  /** The view's URL query (range, filters, sort) as the dashboard writes it. */
  query: Record<string, string>;
  owner: TeamActor;
  /** Listed for the whole team, not only its owner. */
  shared: boolean;
  createdAt: string;
  updatedAt: string;
}

export type SavedViewPatch = Partial<Pick<SavedView, 'name' | 'kind' | 'query' | 'shared' | 'updatedAt'>>;

export interface EventMarker {
  id: string;
  /** The instant the event happened (ISO, UTC). */
  at: string;
  label: string;
  description: string | null;
  /** Sides the event concerns; empty means all. */
  sides: string[];
  createdBy: TeamActor;
  createdAt: string;
  updatedAt: string;
}

export type EventMarkerPatch = Partial<Pick<EventMarker, 'at' | 'label' | 'description' | 'sides' | 'updatedAt'>>;

export interface MarkerQuery {
  /** Inclusive lower bound on `at`. */
  from?: string;
  /** Exclusive upper bound on `at`. */
  to?: string;
  limit: number;
}

export interface TeamRepository {
  createView(view: SavedView): Promise<void>;
  getView(id: string): Promise<SavedView | null>;
  /** Views the user owns plus every shared view, sorted by name (case-insensitive), then id. */
  listViews(viewerId: string): Promise<SavedView[]>;
  /** NotFoundError when the view does not exist. */
  updateView(id: string, patch: SavedViewPatch): Promise<SavedView>;
  /** NotFoundError when the view does not exist. */
  deleteView(id: string): Promise<void>;

  createMarker(marker: EventMarker): Promise<void>;
  getMarker(id: string): Promise<EventMarker | null>;
  /** Markers in the range, earliest first (ties: id). */
  listMarkers(query: MarkerQuery): Promise<EventMarker[]>;
  /** NotFoundError when the marker does not exist. */
  updateMarker(id: string, patch: EventMarkerPatch): Promise<EventMarker>;
  /** NotFoundError when the marker does not exist. */
  deleteMarker(id: string): Promise<void>;
}

/** Instants are stored in one form so both engines compare and sort them the same way. */
export const normalizeInstant = (iso: string): string => new Date(iso).toISOString();

/** Case-insensitive name order, then id: the one order of view lists on both engines. */
export function compareViews(a: SavedView, b: SavedView): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  return an < bn ? -1 : an > bn ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
