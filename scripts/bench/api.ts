/** A real Framewatch HTTP server on a loopback port, and the client side of the API calls the bench makes. */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../server/app.js';
import type { Store } from '../../server/store/port.js';

export interface Api {
  url: string;
  close: () => Promise<void>;
}

export async function startApi(store: Store): Promise<Api> {
  const app = await buildApp({ store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

interface IngestResponse {
  received: number;
  stored: { created: number; updated: number; unchanged: number };
  errors: unknown[];
}

/** POSTs one pre-serialized JSON array; anything but a clean 200 with every item stored is a crash, not a slow figure. */
export async function postItems(url: string, body: string, expected: number): Promise<IngestResponse> {
  const response = await fetch(`${url}/api/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /api/v1/items answered ${response.status}: ${text.slice(0, 500)}`);
  const r = JSON.parse(text) as IngestResponse;
  const stored = r.stored.created + r.stored.updated + r.stored.unchanged;
  if (stored !== expected) throw new Error(`POST /api/v1/items stored ${stored} of ${expected} items`);
  return r;
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
