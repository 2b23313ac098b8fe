/**
 * Dashboard benchmark (issue 5), first part: the initial JavaScript of the production build, gzip.
 * The client is built into a temporary outDir; the initial chunks are the ones index.html loads
 * (the entry script and its modulepreloads), each gzipped and summed. Lazy route chunks are not counted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

export interface DashboardFigures {
  initialJsGzipBytes: number;
  initialJsRawBytes: number;
  chunks: { file: string; gzipBytes: number }[];
  buildMs: number;
}

export async function dashboardBench(options: { log: (line: string) => void }): Promise<DashboardFigures> {
  const outDir = mkdtempSync(join(tmpdir(), 'framewatch-bench-client-'));
  try {
    options.log('dashboard: production build into a temporary directory…');
    const started = performance.now();
    await build({
      configFile: join(import.meta.dirname, '../../client/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    const buildMs = performance.now() - started;
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const scripts = [
      ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/gu),
      ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/gu),
    ].map((match) => match[1] ?? '');
    const chunks = [...new Set(scripts)].map((src) => {
      const bytes = readFileSync(join(outDir, src.replace(/^\//u, '')));
      return { file: src, rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    });
    return {
      initialJsGzipBytes: chunks.reduce((sum, c) => sum + c.gzipBytes, 0),
      initialJsRawBytes: chunks.reduce((sum, c) => sum + c.rawBytes, 0),
      chunks: chunks.map(({ file, gzipBytes }) => ({ file, gzipBytes })),
      buildMs,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
