import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, addressBlockReason, FetchError, parseRetryAfter, type Fetcher } from '../../../pipelines/fetch/index.js';
import { serve, startServer, type TestServer } from './server.js';

const noSleep = () => Promise.resolve();

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FetchError) return err.code;
    throw err;
  }
  return 'resolved';
}

describe('fetcher', () => {
  let server: TestServer;
  let other: TestServer;
  let fetcher: Fetcher;

  beforeAll(async () => {
    server = await startServer();
    other = await startServer();
    other.route('/secret', serve('internal admin page'));
    // Only the first server's host:port is allowed; the second one stands for an internal service.
    fetcher = createFetcher({
      allowPrivate: (host) => host === server.host,
      politenessDelayMs: 0,
      retries: 3,
      sleep: noSleep,
      timeoutMs: 3000,
    });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
    await other.close();
  });

  describe('SSRF protection', () => {
    const strict = createFetcher({ politenessDelayMs: 0, retries: 0, timeoutMs: 2000 });
    afterAll(() => strict.close());

    it.each([
      'http://127.0.0.1/',
      'http://[::1]/',
      'http://10.1.2.3/',
      'http://192.168.0.10/',
      'http://172.16.5.4/',
      'http://100.64.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fe80::1]/',
      'http://0.0.0.0/',
      'http://224.0.0.1/',
      'http://2130706433/',
    ])('refuses %s before connecting', async (url) => {
      expect(await codeOf(strict.get(url))).toBe('blocked_address');
    });

    it('refuses a hostname that resolves to loopback, at connect time', async () => {
      const error = await strict.get(`http://localhost:${server.host.split(':')[1]}/`).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(FetchError);
      expect((error as FetchError).code).toBe('blocked_address');
      expect((error as FetchError).message).toMatch(/localhost.*(127\.0\.0\.1|::1)/);
    });

    it('refuses a redirect from an allowed server to an internal address', async () => {
      server.route('/to-internal', serve('', { location: `${other.url}/secret` }, 302));
      expect(await codeOf(fetcher.get(`${server.url}/to-internal`))).toBe('blocked_address');
      expect(other.requests.some((r) => r.path === '/secret')).toBe(false);
    });

    it('refuses a redirect to a metadata address and to localhost by name', async () => {
      server.route('/to-metadata', serve('', { location: 'http://169.254.169.254/latest/meta-data/' }, 301));
      server.route('/to-localhost', serve('', { location: `http://localhost:${other.host.split(':')[1]}/secret` }, 307));
      expect(await codeOf(fetcher.get(`${server.url}/to-metadata`))).toBe('blocked_address');
      expect(await codeOf(fetcher.get(`${server.url}/to-localhost`))).toBe('blocked_address');
    });

    it('keeps metadata addresses blocked even when private targets are allowed', () => {
      expect(addressBlockReason('169.254.169.254', true)).toMatch(/metadata/);
      expect(addressBlockReason('fd00:ec2::254', true)).toMatch(/metadata/);
      expect(addressBlockReason('127.0.0.1', true)).toBeNull();
      expect(addressBlockReason('93.184.216.34', false)).toBeNull();
      expect(addressBlockReason('2606:4700::1111', false)).toBeNull();
    });

    it('refuses non-http schemes and invalid URLs', async () => {
      expect(await codeOf(fetcher.get('file:///etc/passwd'))).toBe('unsupported_protocol');
      expect(await codeOf(fetcher.get('javascript:alert(1)'))).toBe('unsupported_protocol');
      expect(await codeOf(fetcher.get('not a url'))).toBe('invalid_url');
      server.route('/to-file', serve('', { location: 'file:///etc/passwd' }, 302));
      expect(await codeOf(fetcher.get(`${server.url}/to-file`))).toBe('unsupported_protocol');
    });
  });

  it('sends a Framewatch user agent and follows a redirect within the cap', async () => {
    server.route('/hop', serve('', { location: '/final' }, 301));
    server.route('/final', serve('done', { 'content-type': 'text/plain' }));
    const response = await fetcher.get(`${server.url}/hop`);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${server.url}/final`);
    expect(response.body.toString()).toBe('done');
    const seen = server.requests.find((r) => r.path === '/final');
    expect(seen?.headers['user-agent']).toMatch(/^Framewatch\/0\.1 .*information-operations monitoring/);
  });

  it('stops a redirect loop with too_many_redirects', async () => {
    server.route('/loop-a', serve('', { location: '/loop-b' }, 302));
    server.route('/loop-b', serve('', { location: '/loop-a' }, 302));
    const before = server.requests.length;
    expect(await codeOf(fetcher.get(`${server.url}/loop-a`))).toBe('too_many_redirects');
    expect(server.requests.length - before).toBe(6); // the first request and the five allowed redirects
  });

  it('cuts a 50 MB response at the size cap with a clear error, without buffering it', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    server.route('/huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }); // no Content-Length: must be counted
      const pump = () => {
        while (sent < 50 * chunk.length) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    const rssBefore = process.memoryUsage().rss;
    const error = await fetcher.get(`${server.url}/huge`, { maxBytes: 2 * 1024 * 1024 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).code).toBe('too_large');
    expect((error as FetchError).message).toMatch(/exceeds the 2097152-byte cap/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(40 * 1024 * 1024);
    expect(sent).toBeLessThan(50 * chunk.length);
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    server.route('/declared', (_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.write('x');
    });
    expect(await codeOf(fetcher.get(`${server.url}/declared`, { maxBytes: 1024 }))).toBe('too_large');
  });

  it('decompresses gzip and caps the decoded size (zip bomb)', async () => {
    const { gzipSync } = await import('node:zlib');
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    server.route('/bomb', serve(bomb, { 'content-encoding': 'gzip' }));
    server.route('/gz', serve(gzipSync('Привіт'), { 'content-encoding': 'gzip' }));
    expect((await fetcher.get(`${server.url}/gz`)).body.toString()).toBe('Привіт');
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await codeOf(fetcher.get(`${server.url}/bomb`, { maxBytes: 1024 * 1024 }))).toBe('too_large');
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    const waits: number[] = [];
    const recording = createFetcher({
      allowPrivate: true,
      politenessDelayMs: 0,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    let calls = 0;
    server.route('/busy', (_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(429, { 'retry-after': '7' }).end('slow down');
      else res.writeHead(200).end('ok');
    });
    const response = await recording.get(`${server.url}/busy`);
    expect(response.body.toString()).toBe('ok');
    expect(calls).toBe(2);
    expect(waits).toEqual([7000]);
    await recording.close();
  });

  it('caps Retry-After and reads HTTP dates', () => {
    const now = Date.parse('2026-01-21T08:30:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Jan 2026 08:30:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('gives up after repeated 503 with http_status, backing off exponentially', async () => {
    const waits: number[] = [];
    const recording = createFetcher({
      allowPrivate: true,
      politenessDelayMs: 0,
      retries: 3,
      retryBaseMs: 100,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    let calls = 0;
    server.route('/down', (_req, res) => {
      calls++;
      res.writeHead(503).end('maintenance');
    });
    const error = await recording.get(`${server.url}/down`).catch((err: unknown) => err);
    expect((error as FetchError).code).toBe('http_status');
    expect((error as FetchError).details.status).toBe(503);
    expect(calls).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
    await recording.close();
  });

  it('does not retry a 404', async () => {
    let calls = 0;
    server.route('/missing', (_req, res) => {
      calls++;
      res.writeHead(404).end();
    });
    expect(await codeOf(fetcher.get(`${server.url}/missing`))).toBe('http_status');
    expect(calls).toBe(1);
  });

  it('times out on a hanging server', async () => {
    server.route('/hang', () => undefined);
    const quick = createFetcher({ allowPrivate: true, politenessDelayMs: 0, retries: 0, timeoutMs: 300 });
    const started = Date.now();
    expect(await codeOf(quick.get(`${server.url}/hang`))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
    await quick.close();
  });

  it('makes conditional requests and reports 304 as notModified', async () => {
    server.route('/feed', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"' || req.headers['if-modified-since'] === 'Mon, 12 Jan 2026 10:00:00 GMT') {
        res.writeHead(304).end();
      } else {
        res.writeHead(200, { etag: '"v1"', 'last-modified': 'Mon, 12 Jan 2026 10:00:00 GMT' }).end('<rss/>');
      }
    });
    const first = await fetcher.get(`${server.url}/feed`);
    expect(first.notModified).toBe(false);
    expect(first.headers.etag).toBe('"v1"');
    const second = await fetcher.get(`${server.url}/feed`, { etag: first.headers.etag });
    expect(second.notModified).toBe(true);
    expect(second.status).toBe(304);
    const third = await fetcher.get(`${server.url}/feed`, { lastModified: first.headers['last-modified'] });
    expect(third.notModified).toBe(true);
  });

  it('keeps at most perHostConcurrency requests in flight per host', async () => {
    let active = 0;
    let peak = 0;
    server.route('/slow', (_req, res) => {
      active++;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active--;
        res.writeHead(200).end('ok');
      }, 60);
    });
    const limited = createFetcher({ allowPrivate: true, politenessDelayMs: 0, perHostConcurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => limited.get(`${server.url}/slow`)));
    expect(peak).toBe(2);
    await limited.close();
  });

  it('spaces requests to one host by the politeness delay', async () => {
    const waits: number[] = [];
    let clock = 0;
    const polite = createFetcher({
      allowPrivate: true,
      politenessDelayMs: 1000,
      perHostConcurrency: 1,
      now: () => clock,
      sleep: (ms) => {
        waits.push(ms);
        clock += ms;
        return Promise.resolve();
      },
    });
    server.route('/polite', serve('ok'));
    for (let i = 0; i < 3; i++) await polite.get(`${server.url}/polite`);
    expect(waits).toEqual([1000, 1000]);
    await polite.close();
  });

  it('streams a large body with the cap enforced', async () => {
    server.route('/stream', serve(Buffer.alloc(3 * 1024 * 1024, 0x62)));
    const ok = await fetcher.stream(`${server.url}/stream`, { maxBytes: 4 * 1024 * 1024 });
    let total = 0;
    for await (const chunk of ok.body) total += (chunk as Buffer).length;
    expect(total).toBe(3 * 1024 * 1024);
    const capped = await fetcher.stream(`${server.url}/stream`, { maxBytes: 1024 * 1024 });
    const error = await (async () => {
      for await (const _chunk of capped.body) void _chunk;
    })().catch((err: unknown) => err);
    expect((error as FetchError).code).toBe('too_large');
  });
});
