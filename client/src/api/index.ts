/** Typed calls of the API routes the dashboard uses. */
import { get, readiness, request, type Query } from './http.js';
import type {
  AlertDelivery,
  AlertPage,
  AlertRule,
  AlertRuleInput,
  AlertStatus,
  Briefing,
  BriefingMeta,
  BriefingRequest,
  DryRunResult,
  Severity,
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
  alerts: (
    query: { status?: AlertStatus; severity?: Severity; ruleId?: string; limit?: number; cursor?: string } = {},
    signal?: AbortSignal,
  ) => get<AlertPage>('/alerts', { limit: 20, ...query }, signal),
  acknowledgeAlert: (id: string) => request<StoredAlert>('POST', `/alerts/${encodeURIComponent(id)}/acknowledge`),
  resolveAlert: (id: string) => request<StoredAlert>('POST', `/alerts/${encodeURIComponent(id)}/resolve`),
  alertDeliveries: (id: string, signal?: AbortSignal) =>
    get<{ deliveries: AlertDelivery[] }>(`/alerts/${encodeURIComponent(id)}/deliveries`, undefined, signal),
  alertRules: (signal?: AbortSignal) => get<{ rules: AlertRule[] }>('/alerts/rules', undefined, signal),
  alertRule: (id: string, signal?: AbortSignal) => get<AlertRule>(`/alerts/rules/${encodeURIComponent(id)}`, undefined, signal),
  createAlertRule: (body: AlertRuleInput) => request<AlertRule & { webhookSecret: string }>('POST', '/alerts/rules', { body }),
  updateAlertRule: (id: string, body: Partial<Omit<AlertRuleInput, 'type'>>) =>
    request<AlertRule>('PATCH', `/alerts/rules/${encodeURIComponent(id)}`, { body }),
  deleteAlertRule: (id: string) => request<void>('DELETE', `/alerts/rules/${encodeURIComponent(id)}`),
  muteAlertRule: (id: string, minutes: number) =>
    request<AlertRule>('POST', `/alerts/rules/${encodeURIComponent(id)}/mute`, { body: { minutes } }),
  dryRunAlertRule: (id: string) => request<DryRunResult>('POST', `/alerts/rules/${encodeURIComponent(id)}/dry-run`),
  dryRunAlertInput: (body: AlertRuleInput) => request<DryRunResult>('POST', '/alerts/rules/dry-run', { body }),
  briefings: (page: { limit: number; offset: number }, signal?: AbortSignal) =>
    get<{ total: number; briefings: BriefingMeta[] }>('/briefings', page, signal),
  briefing: (id: string, signal?: AbortSignal) => get<Briefing>(`/briefings/${encodeURIComponent(id)}`, undefined, signal),
  createBriefing: (body: BriefingRequest) => request<Briefing>('POST', '/briefings', { body }),
  editBriefing: (id: string, body: { summary?: string; releaseNotes?: Record<string, string> }) =>
    request<BriefingMeta>('PATCH', `/briefings/${encodeURIComponent(id)}`, { body }),
  finaliseBriefing: (id: string) => request<BriefingMeta>('POST', `/briefings/${encodeURIComponent(id)}/finalise`),
  reviseBriefing: (id: string) => request<BriefingMeta>('POST', `/briefings/${encodeURIComponent(id)}/revise`),
  /** Where the browser downloads a briefing (a plain link: the session cookie authenticates it). */
  briefingDownloadUrl: (id: string, format: 'html' | 'md.zip' | 'pdf') =>
    `/api/v1/briefings/${encodeURIComponent(id)}/download.${format}`,
  /** GET /readyz: the store's reachability and the ingest spool's depth (200 or 503 both answer). */
  readiness,
  /** Any read-only route, for views whose API is not built yet (a 404 means "not available yet"). */
  probe: <T>(path: string, query?: Query) => get<T>(path, query),
};
