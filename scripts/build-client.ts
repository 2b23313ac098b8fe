/**
 * Builds the dashboard into client/dist. With --if-stale (used by `npm start`) it builds only when
 * client/dist is missing or older than the client's sources, so a fresh `npm ci && npm start` serves
 * the dashboard and later starts cost nothing. Without Vite (a production install without dev
 * dependencies) it says so and leaves the server to serve whatever build exists.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const client = join(root, 'client');
const built = join(client, 'dist', 'index.html');
const inputs = [join(client, 'src'), join(client, 'index.html'), join(client, 'vite.config.ts'), join(root, 'package-lock.json')];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

async function main(): Promise<void> {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && existsSync(built) && statSync(built).mtimeMs >= Math.max(...inputs.map(newest))) return;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    process.stderr.write(
      existsSync(built)
        ? 'framewatch: Vite is not installed; serving the existing client/dist build.\n'
        : 'framewatch: Vite is not installed (npm ci without dev dependencies?); the dashboard is not built, serving the placeholder page.\n',
    );
    return;
  }
  process.stdout.write(
    `framewatch: building the dashboard into client/dist${ifStale ? ' (missing or older than its sources)' : ''}…\n`,
  );
  await vite.build({ configFile: join(client, 'vite.config.ts'), logLevel: 'warn' });
}

main().catch((error: unknown) => {
  process.stderr.write(`framewatch: client build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
