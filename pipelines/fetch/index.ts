/**
 * The one door to the network for collectors: SSRF-safe, polite, bounded HTTP over undici.
 *
 * Addresses are vetted inside the connection's own DNS lookup, so the address that was checked is
 * the address that is connected to (a DNS answer that changes between check and connect cannot
 * slip through). Literal IPs in URLs never reach a lookup, so they are checked before dispatch.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { Agent, request, type Dispatcher } from 'undici';

export const DEFAULT_USER_AGENT = 'Framewatch/0.1 (+https://github.com/framewatch; information-operations monitoring)';

export type FetchErrorCode =
  | 'blocked_address'
  | 'too_large'
  | 'too_many_redirects'
  | 'timeout'
  | 'http_status'
  | 'network'
  | 'invalid_url'
  | 'unsupported_protocol'
  | 'aborted';

export class FetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    readonly details: { url?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface FetcherOptions {
  /** Allow private/loopback targets: everywhere, or for URL hosts ("host:port" or "host") the predicate accepts. */
  allowPrivate?: boolean | ((host: string) => boolean);
  userAgent?: string;
  maxBytes?: number;
  maxRedirects?: number;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  perHostConcurrency?: number;
  politenessDelayMs?: number;
  retries?: number;
  /** First backoff step; doubles per attempt. */
  retryBaseMs?: number;
  /** Upper bound for any single wait, including a server's Retry-After. */
  maxRetryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface GetOptions {
  headers?: Record<string, string>;
  etag?: string | null;
  lastModified?: string | null;
  maxBytes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface FetchResponse {
  status: number;
  /** Final URL after redirects. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  notModified: boolean;
}

export interface StreamResponse extends Omit<FetchResponse, 'body'> {
  /** Decoded body, size-capped: errors with FetchError('too_large') past maxBytes. */
  body: Readable;
}

export interface Fetcher {
  get(url: string, options?: GetOptions): Promise<FetchResponse>;
  /** For large downloads: the body is streamed; the host slot is held until it ends or is destroyed. */
  stream(url: string, options?: GetOptions): Promise<StreamResponse>;
  close(): Promise<void>;
}

const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', 'fd00:ec2:0:0:0:0:0:254']);

/** Why an address may not be contacted, or null when it is public unicast. */
export function addressBlockReason(address: string, allowPrivate: boolean): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1) so it is judged as the IPv4 it is.
    parsed = ipaddr.process(address);
  } catch {
    return 'unparseable address';
  }
  const normalized = parsed.toNormalizedString();
  if (METADATA_ADDRESSES.has(normalized) || METADATA_ADDRESSES.has(parsed.toString())) return 'cloud metadata address';
  const range = parsed.range();
  if (range === 'unicast') return null;
  if (allowPrivate && ['private', 'loopback', 'uniqueLocal', 'linkLocal', 'carrierGradeNat'].includes(range)) return null;
  return `${range} address`;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A DNS lookup that refuses private, loopback and metadata answers (for agents outside this fetcher: webhook delivery). */
export function vettedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number } | undefined, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, family: options?.family ?? 0 }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses;
      if (list.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      // Refuse if ANY answer is blocked: a mixed answer is a classic rebinding setup.
      for (const entry of list) {
        const reason = addressBlockReason(entry.address, allowPrivate);
        if (reason) {
          const blocked = new FetchError('blocked_address', `refused ${hostname}: resolves to ${entry.address} (${reason})`);
          return callback(blocked as unknown as NodeJS.ErrnoException, []);
        }
      }
      if (options?.all) return callback(null, list);
      const first = list[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

function findFetchError(err: unknown): FetchError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (current instanceof FetchError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Retry-After as milliseconds (delta seconds or HTTP date), or undefined when absent/unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Per-host concurrency slots plus a minimum gap between request starts to the same host. */
class HostGate {
  private readonly hosts = new Map<string, { active: number; waiters: (() => void)[]; nextStart: number }>();

  constructor(
    private readonly limit: number,
    private readonly delayMs: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number,
  ) {}

  async acquire(host: string): Promise<() => void> {
    let entry = this.hosts.get(host);
    if (!entry) {
      entry = { active: 0, waiters: [], nextStart: 0 };
      this.hosts.set(host, entry);
    }
    const slot = entry;
    if (slot.active >= this.limit) await new Promise<void>((resolve) => slot.waiters.push(resolve));
    else slot.active++;
    const now = this.now();
    const wait = Math.max(0, slot.nextStart - now);
    slot.nextStart = Math.max(now, slot.nextStart) + this.delayMs;
    if (wait > 0) await this.sleep(wait);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slot.waiters.shift();
      // The slot passes straight to the next waiter, so active stays counted.
      if (next) next();
      else slot.active--;
      if (slot.active === 0 && slot.waiters.length === 0 && slot.nextStart <= this.now()) this.hosts.delete(host);
    };
  }
}

class CapTransform extends Transform {
  private seen = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly url: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      callback(new FetchError('too_large', `response from ${this.url} exceeds the ${this.maxBytes}-byte cap`, { url: this.url }));
      return;
    }
    callback(null, chunk);
  }
}

/** Drops a body we will not read; undici errors a destroyed unread body, which nobody is listening to. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function createFetcher(options: FetcherOptions = {}): Fetcher {
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const defaultMaxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const defaultTimeout = options.timeoutMs ?? 20_000;
  const retries = options.retries ?? 3;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const gate = new HostGate(options.perHostConcurrency ?? 2, options.politenessDelayMs ?? 1000, sleep, now);
  const connectTimeout = options.connectTimeoutMs ?? Math.min(10_000, defaultTimeout);

  const makeAgent = (allow: boolean) =>
    new Agent({
      connect: { timeout: connectTimeout, lookup: vettedLookup(allow) as never },
      headersTimeout: defaultTimeout,
      bodyTimeout: defaultTimeout,
      connections: 8,
    });
  const strictAgent = makeAgent(false);
  let permissiveAgent: Agent | undefined;

  const isAllowed = (url: URL): boolean => {
    const allow = options.allowPrivate;
    if (typeof allow === 'function') return allow(url.host) || allow(stripBrackets(url.hostname));
    return allow === true;
  };

  function checkUrl(raw: string): { url: URL; allow: boolean } {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new FetchError('invalid_url', `not a valid URL: ${raw.slice(0, 200)}`, { url: raw.slice(0, 200) });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FetchError('unsupported_protocol', `only http and https are fetched, not ${url.protocol}`, { url: url.href });
    }
    if (url.username || url.password)
      throw new FetchError('invalid_url', 'URLs with credentials are not fetched', { url: url.origin });
    const allow = isAllowed(url);
    const host = stripBrackets(url.hostname);
    if (isIP(host)) {
      const reason = addressBlockReason(host, allow);
      if (reason) throw new FetchError('blocked_address', `refused ${host} (${reason})`, { url: url.href });
    }
    return { url, allow };
  }

  function dispatcherFor(allow: boolean): Dispatcher {
    if (!allow) return strictAgent;
    permissiveAgent ??= makeAgent(true);
    return permissiveAgent;
  }

  interface Hop {
    status: number;
    url: string;
    headers: Record<string, string>;
    body: Readable;
    release: () => void;
  }

  /** One request with redirects followed by hand (each hop re-vetted), no retries. */
  async function once(rawUrl: string, opts: GetOptions, signal: AbortSignal): Promise<Hop> {
    let current = rawUrl;
    for (let hop = 0; ; hop++) {
      const { url, allow } = checkUrl(current);
      const headers: Record<string, string> = {
        'user-agent': userAgent,
        accept: '*/*',
        'accept-encoding': 'gzip, deflate, br',
        ...opts.headers,
      };
      if (opts.etag) headers['if-none-match'] = opts.etag;
      if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
      const release = await gate.acquire(url.host);
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, { method: 'GET', headers, signal, dispatcher: dispatcherFor(allow) });
      } catch (err) {
        release();
        throw translateError(err, url.href, signal);
      }
      const responseHeaders = flattenHeaders(response.headers);
      if (REDIRECTS.has(response.statusCode) && responseHeaders.location) {
        discard(response.body);
        release();
        if (hop >= maxRedirects) {
          throw new FetchError('too_many_redirects', `more than ${maxRedirects} redirects starting at ${rawUrl}`, {
            url: url.href,
          });
        }
        try {
          current = new URL(responseHeaders.location, url).href;
        } catch {
          throw new FetchError('invalid_url', `bad redirect location from ${url.href}`, { url: url.href });
        }
        continue;
      }
      return { status: response.statusCode, url: url.href, headers: responseHeaders, body: response.body, release };
    }
  }

  function translateError(err: unknown, url: string, signal: AbortSignal): FetchError {
    const found = findFetchError(err);
    if (found) return found;
    if (signal.aborted) {
      const reason: unknown = signal.reason;
      if (reason instanceof FetchError) return reason;
      return new FetchError('aborted', `request to ${url} was aborted`, { url, cause: err });
    }
    const code = (err as { code?: string } | null)?.code ?? '';
    if (/TIMEOUT/i.test(code)) return new FetchError('timeout', `request to ${url} timed out (${code})`, { url, cause: err });
    const message = err instanceof Error ? err.message : String(err);
    return new FetchError('network', `request to ${url} failed: ${message}`, { url, cause: err });
  }

  function decoded(hop: Hop, maxBytes: number): Readable {
    const encoding = (hop.headers['content-encoding'] ?? '').trim().toLowerCase();
    const declared = Number(hop.headers['content-length']);
    if (!encoding && Number.isFinite(declared) && declared > maxBytes) {
      discard(hop.body);
      hop.release();
      throw new FetchError('too_large', `response from ${hop.url} declares ${declared} bytes, over the ${maxBytes}-byte cap`, {
        url: hop.url,
      });
    }
    const out = new PassThrough();
    const stages: NodeJS.ReadWriteStream[] = [];
    // Cap before and after decompression: the wire size bounds bandwidth, the decoded size bounds memory (zip bombs).
    stages.push(new CapTransform(maxBytes, hop.url));
    if (encoding === 'gzip' || encoding === 'x-gzip') stages.push(createGunzip());
    else if (encoding === 'deflate') stages.push(createInflate());
    else if (encoding === 'br') stages.push(createBrotliDecompress());
    if (stages.length > 1) stages.push(new CapTransform(maxBytes, hop.url));
    pipeline([hop.body, ...stages, out], (err) => {
      hop.release();
      if (err && !out.destroyed) out.destroy(err);
    });
    return out;
  }

  async function withRetries<T>(url: string, opts: GetOptions, run: (hop: Hop, signal: AbortSignal) => Promise<T>): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? defaultTimeout;
    for (let attempt = 0; ; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new FetchError('timeout', `request to ${url} took longer than ${timeoutMs} ms`, { url })),
        timeoutMs,
      );
      const onAbort = () => controller.abort(opts.signal?.reason);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.signal?.aborted) onAbort();
      try {
        let hop: Hop;
        try {
          hop = await once(url, opts, controller.signal);
        } catch (err) {
          const error = err instanceof FetchError ? err : translateError(err, url, controller.signal);
          if ((error.code === 'network' || error.code === 'timeout') && attempt < retries && !opts.signal?.aborted) {
            await sleep(Math.min(maxRetryDelayMs, retryBaseMs * 2 ** attempt));
            continue;
          }
          throw error;
        }
        if ((hop.status === 429 || hop.status >= 500) && attempt < retries) {
          discard(hop.body);
          hop.release();
          const hinted = parseRetryAfter(hop.headers['retry-after'], now());
          await sleep(Math.min(maxRetryDelayMs, hinted ?? retryBaseMs * 2 ** attempt));
          continue;
        }
        return await run(hop, controller.signal);
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  function finish(hop: Hop): Omit<FetchResponse, 'body'> | null {
    if (hop.status === 304) {
      discard(hop.body);
      hop.release();
      return null;
    }
    if (hop.status < 200 || hop.status >= 300) {
      discard(hop.body);
      hop.release();
      throw new FetchError('http_status', `HTTP ${hop.status} from ${hop.url}`, { url: hop.url, status: hop.status });
    }
    return { status: hop.status, url: hop.url, headers: hop.headers, notModified: false };
  }

  return {
    async get(url, opts = {}) {
      return withRetries(url, opts, async (hop, signal) => {
        const head = finish(hop);
        if (!head) return { status: 304, url: hop.url, headers: hop.headers, body: Buffer.alloc(0), notModified: true };
        const chunks: Buffer[] = [];
        try {
          for await (const chunk of decoded(hop, opts.maxBytes ?? defaultMaxBytes)) chunks.push(chunk as Buffer);
        } catch (err) {
          throw translateError(err, hop.url, signal);
        }
        return { ...head, body: Buffer.concat(chunks) };
      });
    },
    async stream(url, opts = {}) {
      // The total timeout would cut a long download mid-body; streams rely on undici's body (idle) timeout instead.
      return withRetries(url, { ...opts, timeoutMs: opts.timeoutMs ?? defaultTimeout }, async (hop) => {
        const head = finish(hop);
        if (!head) return { status: 304, url: hop.url, headers: hop.headers, body: Readable.from([]), notModified: true };
        return { ...head, body: decoded(hop, opts.maxBytes ?? defaultMaxBytes) };
      });
    },
    async close() {
      await Promise.all([strictAgent.close(), permissiveAgent?.close()]);
    },
  };
}
