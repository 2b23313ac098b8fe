/**
 * Starting a worker thread on one of the project's TypeScript modules. The sources run through tsx
 * (npm start), Vitest or a bundle (npm run import), and none of them reaches into worker threads,
 * so the entry is bundled into one plain ES module (bundle.mjs) that the worker runs on Node itself:
 * no compiler thread per worker, and the same code whichever way the parent was started.
 */
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { bundleEntry } from './bundle.mjs';

/** Starts `entry` (a URL of a .ts module) in a worker thread; workerData and the rest as for Worker. */
export async function startTypeScriptWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Promise<Worker> {
  const bundle = await bundleEntry(entry);
  // execArgv: [] keeps the parent's loader flags (--import tsx) out: the bundle needs none.
  return new Worker(pathToFileURL(bundle), { execArgv: [], ...options });
}
