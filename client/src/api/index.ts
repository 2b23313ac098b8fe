/** Typed calls of the API routes the dashboard uses. */
import { get, request, type Query } from './http.js';
import type {
  StoredAlert,
  CodebookExplanation,
  CodebookInForce,
  EventMarker,
  FramingTimelineResponse,
  MarkerInput,
  ReleaseDetail,
  ReleasePage,
  ReleaseSort,
  RevealResponse,
  Role,
  SavedView,
  SavedViewKind,
  User,
  FramingResponse,
  Interval,
  Item,
  LoginResponse,
  MeResponse,
  SearchResponse,
  Source,
  SplitField,
  SpreadResponse,
  TermsField,
  TermsResponse,
  TimelineResponse,
} from './types.js';

export { ApiError, setCsrfToken, setUnauthenticatedHandler, toQueryString } from './http.js';
export { saveBlob, streamExport, uploadFile, type ExportFormat, type ExportProgress, type UploadProgress } from './transfer.js';
export type * from './types.js';

/** Filters every list and analytic accepts (comma-separated lists, ISO instants). */
export type FilterQuery = Partial<
  Record<'q' | 'from' | 'to' | 'side' | 'platform' | 'kind' | 'lang' | 'source' | 'frame' | 'release', string>
>;

export const api = {
  search: (
    filter: FilterQuery,
    options: { sort?: 'time' | 'relevance' | 'views'; limit?: number; cursor?: string } = {},
    signal?: AbortSignal,
  ) => get<SearchResponse>('/search', { ...filter, ...options }, signal),
  timeline: (filter: FilterQuery, interval: Interval, split?: SplitField, signal?: AbortSignal) =>
    get<TimelineResponse>('/analytics/timeline', { ...filter, interval, split }, signal),
  terms: (filter: FilterQuery, field: TermsField, size = 10, signal?: AbortSignal) =>
    get<TermsResponse>('/analytics/terms', { ...filter, field, size }, signal),
  framing: (filter: FilterQuery, signal?: AbortSignal) => get<FramingResponse>('/analytics/framing', filter, signal),
  spread: (releaseId: string, interval: Interval = 'hour', signal?: AbortSignal) =>
    get<SpreadResponse>(`/releases/${encodeURIComponent(releaseId)}/spread`, { interval }, signal),
  item: (id: string) => get<Item>(`/items/${encodeURIComponent(id)}`),
  sources: () => get<{ sources: Source[] }>('/sources'),
  createSource: (body: Record<string, unknown>) => request<Source>('POST', '/sources', { body }),
  updateSource: (id: string, body: Record<string, unknown>) =>
    request<Source>('PATCH', `/sources/${encodeURIComponent(id)}`, { body }),
  me: () => get<MeResponse>('/auth/me'),
  login: (username: string, password: string) => request<LoginResponse>('POST', '/auth/login', { body: { username, password } }),
  logout: () => request<void>('POST', '/auth/logout'),
  releases: (filter: FilterQuery, options: { sort?: ReleaseSort; limit?: number; cursor?: string } = {}, signal?: AbortSignal) =>
    get<ReleasePage>('/releases', { ...filter, ...options }, signal),
  release: (id: string, interval: Interval = 'hour', signal?: AbortSignal) =>
    get<ReleaseDetail>(`/releases/${encodeURIComponent(id)}`, { interval, limit: 50 }, signal),
  framingTimeline: (filter: FilterQuery, interval: 'day' | 'week', signal?: AbortSignal) =>
    get<FramingTimelineResponse>('/analytics/framing/timeline', { ...filter, interval }, signal),
  reveal: (itemId: string) => request<RevealResponse>('POST', `/items/${encodeURIComponent(itemId)}/reveal`),
  runSource: (id: string) => request<{ sourceId: string; state: 'started' }>('POST', `/sources/${encodeURIComponent(id)}/run`),
  users: () => get<{ users: User[] }>('/users'),
  createUser: (body: { username: string; role: Role; password?: string }) =>
    request<{ user: User; password?: string }>('POST', '/users', { body }),
  updateUser: (id: string, body: { role?: Role; disabled?: boolean }) =>
    request<User>('PATCH', `/users/${encodeURIComponent(id)}`, { body }),
  resetPassword: (id: string) =>
    request<{ password?: string }>('POST', `/users/${encodeURIComponent(id)}/password`, { body: {} }),
  savedViews: (signal?: AbortSignal) => get<{ views: SavedView[] }>('/saved-views', undefined, signal),
  createSavedView: (body: { name: string; kind: SavedViewKind; query: Record<string, string>; shared: boolean }) =>
    request<SavedView>('POST', '/saved-views', { body }),
  updateSavedView: (id: string, body: Partial<Pick<SavedView, 'name' | 'shared' | 'query'>>) =>
    request<SavedView>('PATCH', `/saved-views/${encodeURIComponent(id)}`, { body }),
  deleteSavedView: (id: string) => request<void>('DELETE', `/saved-views/${encodeURIComponent(id)}`),
  markers: (range: { from?: string; to?: string }, signal?: AbortSignal) =>
    get<{ markers: EventMarker[] }>('/markers', { ...range, limit: 1000 }, signal),
  createMarker: (body: MarkerInput) => request<EventMarker>('POST', '/markers', { body }),
  updateMarker: (id: string, body: Partial<MarkerInput>) =>
    request<EventMarker>('PATCH', `/markers/${encodeURIComponent(id)}`, { body }),
  deleteMarker: (id: string) => request<void>('DELETE', `/markers/${encodeURIComponent(id)}`),
  codebook: (signal?: AbortSignal) => get<CodebookInForce>('/codebook', undefined, signal),
  explainFrames: (text: string, lang?: string) =>
    request<CodebookExplanation>('POST', '/codebook/explain', { body: { text, ...(lang && { lang }) } }),
  alerts: (signal?: AbortSignal) => get<{ total: number; alerts: StoredAlert[] }>('/alerts', { limit: 20 }, signal),
  alertRules: (signal?: AbortSignal) => get<{ rules: unknown[] }>('/alerts/rules', undefined, signal),
  createAlertRule: (body: Record<string, unknown>) => request<{ id: string }>('POST', '/alerts/rules', { body }),
  /** Any read-only route, for views whose API is not built yet (a 404 means "not available yet"). */
  probe: <T>(path: string, query?: Query) => get<T>(path, query),
};
