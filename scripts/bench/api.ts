/** A real Framewatch HTTP server on a loopback port, and the client side of the API calls the bench makes. */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../server/app.js';
import { SYSTEM } from '../../server/auth/service.js';
import type { Store } from '../../server/store/port.js';

/** The admin token of each running bench server, by origin, so every call authenticates. */
const credentials = new Map<string, Record<string, string>>();
const authHeaders = (url: string) => credentials.get(new URL(url).origin) ?? {};

export interface Api {
  url: string;
  close: () => Promise<void>;
}

export async function startApi(store: Store): Promise<Api> {
  // The bench measures throughput, not the per-principal rate limit that protects a deployment.
  const app = await buildApp({ store, auth: { apiRateLimit: 1_000_000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const { secret } = await app.auth.createToken({ label: `bench-${Date.now()}`, scopes: ['admin'] }, SYSTEM);
  credentials.set(url, { authorization: `Bearer ${secret}` });
  return {
    url,
    close: async () => {
      credentials.delete(url);
      await app.close();
    },
  };
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
    headers: { 'content-type': 'application/json', ...authHeaders(url) },
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
  const response = await fetch(url, { headers: authHeaders(url) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
