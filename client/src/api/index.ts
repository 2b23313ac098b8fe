/** Typed calls of the API routes the dashboard uses. */
import { get, request, type Query } from './http.js';
import type {
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
  /** Any read-only route, for views whose API is not built yet (a 404 means "not available yet"). */
  probe: <T>(path: string, query?: Query) => get<T>(path, query),
};
