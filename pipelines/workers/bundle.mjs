/**
 * Bundling a TypeScript entry of the project into one plain ES module, so that it runs on Node
 * itself instead of through tsx. tsx compiles every module in a loader thread of its own; for the
 * import worker and `npm run import` that thread and the compiled sources cost about 25 MB of
 * resident memory each, which a 100 MB import spends better on its heaps (see scripts/import.ts).
 *
 * Packages stay external (imported from node_modules as usual), and `import.meta.url` keeps
 * meaning the module's source file, so files found next to a source (the default codebook and
 * entity list, the client build) are found from the bundle too. Bundles are written under
 * node_modules/.cache/framewatch, named by a hash of their content: a changed source gives a new
 * file, and two processes bundling at once write the same bytes under the same name.
 *
 * Plain JavaScript because `npm run import` must load it before anything can compile TypeScript;
 * bundle.d.mts declares it for the TypeScript modules that use it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE_DIR = join(ROOT, 'node_modules', '.cache', 'framewatch');

/** Replaces `import.meta.url` in each project source with the URL of that source file. */
const sourceUrls = {
  name: 'framewatch-source-urls',
  /** @param {import('esbuild').PluginBuild} pluginBuild */
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.(m?js|[cm]?ts)$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      // A pattern, not the expression spelled out: this module is itself bundled into `npm run import`.
      const contents = text.replace(/\bimport\.meta\.url\b/g, url);
      return { contents, loader: /\.m?js$/.test(args.path) ? 'js' : 'ts' };
    });
  },
};

/** Bundles made by this process, by entry path. @type {Map<string, Promise<string>>} */
const made = new Map();

/**
 * Bundles `entry` (a path or file URL of a .ts module) and returns the path of the bundle.
 * @param {string | URL} entry
 * @returns {Promise<string>}
 */
export function bundleEntry(entry) {
  const path = entry instanceof URL ? fileURLToPath(entry) : entry;
  let bundle = made.get(path);
  if (!bundle) {
    bundle = makeBundle(path);
    made.set(path, bundle);
    bundle.catch(() => made.delete(path));
  }
  return bundle;
}

/** @param {string} path */
async function makeBundle(path) {
  const result = await build({
    entryPoints: [path],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    plugins: [sourceUrls],
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error(`bundling ${path} gave no output`);
  const digest = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(BUNDLE_DIR, `${basename(path).replace(/\.[cm]?ts$/, '')}-${digest}.mjs`);
  if (!existsSync(file) || !readFileSync(file).equals(code)) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(partial, code);
      renameSync(partial, file);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot write the bundle of ${path} to ${BUNDLE_DIR} (it must be writable): ${reason}`);
    }
  }
  return file;
}
