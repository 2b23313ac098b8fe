/**
 * Runs a TypeScript script of the project on Node itself, bundled (see pipelines/workers/bundle.mjs),
 * instead of through tsx: `node [node options] scripts/launch.mjs scripts/import.ts [arguments]`.
 * `npm run import` uses it, so a large import keeps for its heaps the memory a compiler thread
 * would take. The script sees its own arguments as if it had been started directly.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { bundleEntry } from '../pipelines/workers/bundle.mjs';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/launch.mjs <script.ts> [arguments]\n');
  process.exit(2);
}
const file = await bundleEntry(resolve(entry));
process.argv = [process.argv[0] ?? 'node', resolve(entry), ...rest];
await import(pathToFileURL(file).href);
