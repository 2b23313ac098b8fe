/**
 * Long transfers with progress: an export streamed from the server (rows counted as they arrive,
 * against the total the server announces in X-Total-Count) and an import uploaded with
 * XMLHttpRequest, whose upload events are the only way a browser reports bytes sent.
 */
import { ApiError, csrfHeader, toQueryString, type Query } from './http.js';
import { text } from '../i18n/text.js';
import type { ErrorBody } from './types.js';

export interface ExportProgress {
  rows: number;
  /** From X-Total-Count; null until the headers arrived. */
  total: number | null;
  bytes: number;
}

export type ExportFormat = 'csv' | 'ndjson';

/** Lines that are not rows: CSV's header, NDJSON's leading {"total":…} line. */
const NON_ROW_LINES = 1;

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as ErrorBody | null;
  if (body?.error) return new ApiError(body.error.code, body.error.message, body.error.statusCode);
  return new ApiError('http_error', text('api.answered', { status: response.status }), response.status);
}

/**
 * Streams /exports/search.<format>, reporting progress per chunk, and returns the file as a Blob.
 * Rows are counted by line ends outside CSV quotes, so a quoted newline inside a text is not a row.
 */
export async function streamExport(
  format: ExportFormat,
  query: Query,
  onProgress: (progress: ExportProgress) => void,
  signal?: AbortSignal,
): Promise<{ blob: Blob; filename: string; rows: number; total: number | null }> {
  let response: Response;
  try {
    response = await fetch(`/api/v1/exports/search.${format}${toQueryString(query)}`, {
      credentials: 'same-origin',
      ...(signal && { signal }),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('network', text('api.unreachable'), 0);
  }
  if (!response.ok || !response.body) throw await errorOf(response);
  const totalHeader = response.headers.get('x-total-count');
  const total = totalHeader === null ? null : Number(totalHeader);
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/u.exec(disposition)?.[1] ?? `framewatch-search.${format}`;
  const chunks: Uint8Array[] = [];
  const reader = response.body.getReader();
  let lines = 0;
  let bytes = 0;
  let inQuotes = false;
  onProgress({ rows: 0, total, bytes: 0 });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
    for (const byte of value) {
      if (format === 'csv' && byte === 0x22) inQuotes = !inQuotes;
      else if (byte === 0x0a && !inQuotes) lines++;
    }
    onProgress({ rows: Math.max(0, lines - NON_ROW_LINES), total, bytes });
  }
  const rows = Math.max(0, lines - NON_ROW_LINES);
  onProgress({ rows, total, bytes });
  const type = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  return { blob: new Blob(chunks as BlobPart[], { type }), filename, rows, total };
}

/** Hands a Blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface UploadProgress {
  sent: number;
  total: number;
}

/** POSTs a file as the raw request body, with upload progress; resolves with the JSON answer (422 included). */
export function uploadFile<T>(
  path: string,
  query: Query,
  file: Blob,
  onProgress: (progress: UploadProgress) => void,
): { done: Promise<{ status: number; body: T }>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<{ status: number; body: T }>((resolve, reject) => {
    xhr.open('POST', `/api/v1${path}${toQueryString(query)}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeader())) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => onProgress({ sent: event.loaded, total: event.total || file.size }));
    xhr.addEventListener('load', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        // Not JSON: reported below by status.
      }
      const error = (body as ErrorBody | null)?.error;
      if (xhr.status >= 400 && xhr.status !== 422) {
        reject(
          new ApiError(error?.code ?? 'http_error', error?.message ?? text('api.answered', { status: xhr.status }), xhr.status),
        );
        return;
      }
      resolve({ status: xhr.status, body: body as T });
    });
    xhr.addEventListener('error', () => reject(new ApiError('network', text('api.uploadUnreachable'), 0)));
    xhr.addEventListener('abort', () => reject(new DOMException('upload aborted', 'AbortError')));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
