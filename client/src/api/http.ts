/**
 * The one door from the dashboard to the API: same-origin fetch with the session cookie, the CSRF
 * header on changes, and every failure turned into an ApiError carrying the server's error shape.
 */
import { text } from '../i18n/text.js';
import type { ErrorBody, Readiness } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The route does not exist on this server yet (views show "not available yet"). */
  get notAvailable(): boolean {
    return this.statusCode === 404 && this.code === 'not_found' && this.message.startsWith('no route');
  }
}

export type QueryValue = string | number | boolean | null | undefined | readonly string[];
export type Query = Record<string, QueryValue>;

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The CSRF header a cookie-authenticated change must carry (for requests not made through request()). */
export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

/** Called on any 401 so the app can send the user to the sign-in page. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

export function toQueryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  return typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string';
}

export async function request<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}${toQueryString(options.query ?? {})}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.signal && { signal: options.signal }),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('network', text('api.unreachable'), 0);
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && onUnauthenticated) onUnauthenticated();
    if (isErrorBody(body)) throw new ApiError(body.error.code, body.error.message, body.error.statusCode);
    const { status, statusText } = response;
    throw new ApiError(
      'http_error',
      statusText ? text('api.answeredStatus', { status, statusText }) : text('api.answered', { status }),
      status,
    );
  }
  return body as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  request<T>('GET', path, { ...(query && { query }), ...(signal && { signal }) });

/**
 * GET /readyz (outside /api/v1, public). A 503 is an answer too: the instance is not ready, and its
 * body says why. Anything else (no answer, no readiness body) is null.
 */
export async function readiness(signal?: AbortSignal): Promise<Readiness | null> {
  try {
    const response = await fetch('/readyz', {
      headers: { accept: 'application/json' },
      cache: 'no-store',
      credentials: 'same-origin',
      ...(signal && { signal }),
    });
    if (response.status !== 200 && response.status !== 503) return null;
    const body = (await response.json().catch(() => null)) as Readiness | null;
    return typeof body?.store?.ok === 'boolean' ? body : null;
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return null;
  }
}
