/** A real server on a loopback port and real socket.io clients for the live push tests. */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { AppOptions } from '../../../server/app.js';
import type { Store } from '../../../server/store/port.js';
import { buildTestApp, type Inject } from '../../helpers/auth.js';

export interface LiveServer {
  app: FastifyInstance;
  url: string;
  /** Admin API token headers. */
  headers: Record<string, string>;
  inject: Inject;
  close: () => Promise<void>;
}

export async function startLiveServer(store: Store, options: Omit<AppOptions, 'store'> = {}): Promise<LiveServer> {
  const { app, headers, inject } = await buildTestApp(store, options);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, headers, inject, close: () => app.close() };
}

const opened: Socket[] = [];

/** A socket.io client (websocket transport, no automatic reconnection unless asked); closed by closeClients(). */
export function client(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Socket {
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  opened.push(socket);
  return socket;
}

export function closeClients(): void {
  for (const socket of opened.splice(0)) socket.disconnect();
}

export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

export function connectError(socket: Socket): Promise<Error & { data?: unknown }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected, but a refusal was expected')));
    socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error));
  });
}

/** The next event of that name whose payload satisfies the predicate. */
export function next<T>(socket: Socket, event: string, predicate: (payload: T) => boolean = () => true, ms = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const handler = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

/** Emits with an acknowledgement and resolves with the answer. */
export function request(socket: Socket, event: string, ...args: unknown[]): Promise<unknown> {
  return socket.timeout(5_000).emitWithAck(event, ...args) as Promise<unknown>;
}

export async function postItems(
  server: LiveServer,
  items: unknown[],
): Promise<{ statusCode: number; json: unknown; at: number }> {
  const res = await fetch(`${server.url}/api/v1/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...server.headers },
    body: JSON.stringify(items),
  });
  const json: unknown = await res.json();
  return { statusCode: res.status, json, at: performance.now() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
