/** The default watch list shipped for the first topic, validated on load. */
import { readFileSync } from 'node:fs';
import { SourceInput } from '../../server/domain/schemas.js';
import { createChecker } from '../../server/domain/validate.js';
import type { Store } from '../../server/store/port.js';

const checkSource = createChecker(SourceInput);

/** Reads and validates a watch-list file; errors name the entry and field. */
export function readWatchList(path: string | URL = new URL('./default-sources.json', import.meta.url)): SourceInput[] {
  const data = JSON.parse(readFileSync(path, 'utf8')) as { sources?: unknown };
  if (!Array.isArray(data.sources)) throw new Error(`${String(path)}: expected { "sources": [...] }`);
  const problems: string[] = [];
  const ids = new Set<string>();
  data.sources.forEach((entry: unknown, n) => {
    for (const e of checkSource(entry)) problems.push(`sources[${n}].${e.field}: ${e.message}`);
    const id = (entry as { id?: string }).id ?? '';
    if (ids.has(id)) problems.push(`sources[${n}].id: "${id}" appears twice`);
    ids.add(id);
  });
  if (problems.length > 0) throw new Error(`${String(path)} is not a valid watch list:\n  ${problems.join('\n  ')}`);
  return data.sources as SourceInput[];
}

/** Adds the sources a store does not have yet; returns the ids added. */
export async function addMissingSources(store: Store, sources: SourceInput[], now = new Date()): Promise<string[]> {
  const existing = new Set((await store.listSources()).map((s) => s.id));
  const added: string[] = [];
  for (const source of sources) {
    if (existing.has(source.id)) continue;
    await store.createSource(source, now);
    added.push(source.id);
  }
  return added;
}
