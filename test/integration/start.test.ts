/**
 * The README's first command: `npm start` on an empty data folder starts the server on the
 * embedded store with the demo dataset and prints where it listens.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'framewatch-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('starts with demo data on the embedded store and prints its URL', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--demo'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', STORE: 'sqlite' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let output = '';
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
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    // The demo start prints a generated admin password once; the API needs a session.
    await new Promise((r) => setTimeout(r, 200));
    const password = /Sign in as "admin" with password (\S+)/u.exec(output)?.[1];
    expect(password, output).toBeDefined();
    expect((await fetch(`${url}/api/v1/sources`)).status).toBe(401);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const headers = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
    const terms = (await (await fetch(`${url}/api/v1/analytics/terms?field=side`, { headers })).json()) as { total: number };
    // The seeded dataset, plus whatever the demo live stream has added since.
    expect(terms.total).toBeGreaterThanOrEqual(20_000);
    expect(terms.total).toBeLessThan(20_200);
    const sources = (await (await fetch(`${url}/api/v1/sources`, { headers })).json()) as {
      sources: { demo: boolean; name: string }[];
    };
    expect(sources.sources.length).toBeGreaterThan(10);
    expect(sources.sources.every((s) => s.demo && s.name.includes('(demo)'))).toBe(true);
    // The dashboard itself is served (its demo badge is checked in the browser tests).
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Framewatch');
  } finally {
    child.kill('SIGTERM');
  }
});
