/**
 * Starting a worker thread on one of the project's TypeScript modules. The sources run through tsx
 * (npm start, npm run import) or Vitest, and neither reaches into worker threads on Node 20, so the
 * worker's first module registers tsx itself and then imports the TypeScript entry.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

let tsxApi: string | undefined;

/** The ES module build of tsx's API (its CommonJS build cannot register from an ES module). */
function tsxApiUrl(): string {
  if (tsxApi === undefined) {
    const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
    const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      exports: Record<string, { import?: { default?: string } }>;
    };
    const entry = exports['./esm/api']?.import?.default;
    if (!entry) throw new Error('this version of tsx has no ES module API (tsx/esm/api)');
    tsxApi = new URL(entry, pathToFileURL(manifest)).href;
  }
  return tsxApi;
}

/** Starts `entry` (a URL of a .ts module) in a worker thread; workerData and the rest as for Worker. */
export function startTypeScriptWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const code =
    `import { register } from ${JSON.stringify(tsxApiUrl())};\n` +
    `register();\n` +
    `await import(${JSON.stringify(entry.href)});\n`;
  // execArgv: [] keeps the parent's loader flags (--import tsx) out: the bootstrap registers tsx itself.
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { execArgv: [], ...options });
}
