/** Shared pieces of the durability tests: item batches, a store whose auth lives elsewhere, a spawned server. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ItemInput } from '../../../server/domain/schemas.js';
import type { Store } from '../../../server/store/port.js';

/** `count` items in batches of `size`, ids unique to the run. */
export function batches(tag: string, count: number, size: number): ItemInput[][] {
  const out: ItemInput[][] = [];
  for (let start = 0; start < count; start += size) {
    out.push(
      Array.from({ length: Math.min(size, count - start) }, (_, i) => ({
        platform: 'telegram' as const,
        sourceId: `durability-${tag}`,
        externalId: `${tag}-${start + i}`,
        kind: 'post' as const,
        side: 'UA' as const,
        title: `Durability item ${start + i}`,
        text: `Item ${start + i} of the durability run ${tag}, about the exchange of prisoners.`,
        lang: 'en',
        publishedAt: '2026-01-21T08:30:00Z',
      })),
    );
  }
  return out;
}

/**
 * The item store with users and tokens kept in another store: a test can take the item store down
 * while requests still authenticate (token checks need the store that holds the tokens).
 */
export function withAuthFrom(items: Store, auth: Store): Store {
  return new Proxy(items, {
    get(target, property, receiver) {
      if (property === 'auth') return auth.auth;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Spawns `node --import tsx server/main.ts` and waits for the URL it prints. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', STORE: 'sqlite', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Framewatch is running at (http:\/\/[^\s/]+)\//u.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

/** Signs in over HTTP; the cookie and CSRF headers for later requests. */
export async function signInOverHttp(url: string, username: string, password: string): Promise<Record<string, string>> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '', 'x-csrf-token': csrfToken };
}

/** An admin API token created over HTTP (no CSRF needed afterwards). */
export async function tokenOverHttp(url: string, username: string, password: string): Promise<Record<string, string>> {
  const session = await signInOverHttp(url, username, password);
  const res = await fetch(`${url}/api/v1/auth/tokens`, {
    method: 'POST',
    headers: { ...session, 'content-type': 'application/json' },
    body: JSON.stringify({ label: `durability-${Date.now()}`, scopes: ['admin'] }),
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  return { authorization: `Bearer ${((await res.json()) as { secret: string }).secret}` };
}

export interface Posted {
  status: number;
  body: { results?: { id: string; status: string }[]; spooled?: number; message?: string };
  retryAfter: string | null;
}

export async function postItems(url: string, headers: Record<string, string>, items: ItemInput[]): Promise<Posted> {
  const res = await fetch(`${url}/api/v1/items`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(items),
  });
  return { status: res.status, body: (await res.json()) as Posted['body'], retryAfter: res.headers.get('retry-after') };
}
