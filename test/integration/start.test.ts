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
    const terms = (await (await fetch(`${url}/api/v1/analytics/terms?field=side`)).json()) as { total: number };
    expect(terms.total).toBe(20_000);
    const sources = (await (await fetch(`${url}/api/v1/sources`)).json()) as { sources: { demo: boolean; name: string }[] };
    expect(sources.sources.length).toBeGreaterThan(10);
    expect(sources.sources.every((s) => s.demo && s.name.includes('(demo)'))).toBe(true);
    const page = await fetch(`${url}/`);
    expect(await page.text()).toContain('Demo data');
  } finally {
    child.kill('SIGTERM');
  }
});
