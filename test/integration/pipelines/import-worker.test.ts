/**
 * Large imports parse and prepare enrichment in a worker thread while the main thread links
 * releases and stores. The same export imported on one thread and through the worker must give
 * the same stored items (ids, releases, frames, entities, hashes, raw payloads), the same counts
 * and the same report of a broken tail, from a file and from a stream, in either store.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher } from '../../../pipelines/fetch/index.js';
import { generateItems, telegramExportMessage } from '../../../pipelines/generator/index.js';
import { importIntoSource, type ImportResult } from '../../../pipelines/imports.js';
import { Pipeline } from '../../../pipelines/runner.js';
import type { Item } from '../../../server/domain/schemas.js';
import { aSource } from '../../helpers/factories.js';
import { elasticsearchTestStore, sqliteTestStore, type TestStore } from '../../helpers/stores.js';

const START = new Date('2025-11-01T00:00:00Z');
let dir: string;
let file: string;
let broken: string;
const stores: TestStore[] = [];

function exportOf(count: number): string {
  const messages: string[] = [];
  let n = 0;
  for (const item of generateItems({ seed: 5, count, start: START, days: 20 })) {
    n++;
    const message = telegramExportMessage(item, n);
    messages.push(
      JSON.stringify({
        ...message,
        ...(n % 7 === 0 && { forwarded_from: 'Other channel' }),
        ...(n % 11 === 0 && { media_type: 'video_file', duration_seconds: 42 }),
      }),
    );
    // Copies: the same text again a little later, so that release linking has work to do.
    if (n % 5 === 0) {
      const later = String(Number(message.date_unixtime) + 600);
      messages.push(JSON.stringify({ id: n + 100_000, type: 'message', date_unixtime: later, text: message.text }));
    }
  }
  messages.push('{"id": 3, "type": "service", "action": "pin_message", "date_unixtime": "1761955241"}');
  return `{"name": "Worker test", "type": "public_channel", "id": 1, "messages": [\n${messages.join(',\n')}\n]}\n`;
}

async function importWith(
  input: () => string | Readable,
  worker: boolean,
  into: () => Promise<TestStore> = sqliteTestStore,
): Promise<{ result: ImportResult; items: Item[] }> {
  const test = await into();
  stores.push(test);
  const source = await test.store.createSource(
    aSource({ id: 'worker-export', platform: 'telegram', side: 'UA', type: 'official', releaseSource: true }),
  );
  const pipeline = new Pipeline({ store: test.store, fetcher: createFetcher(), clock: () => new Date('2026-01-10T00:00:00Z') });
  try {
    const result = await importIntoSource(pipeline, source, input(), {
      format: 'telegram-export',
      channelHandle: 'fw_worker',
      worker,
    });
    // Searchable now, not after the next scheduled refresh.
    await test.store.sync();
    const items: Item[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await test.store.searchItems({ filter: {}, sort: 'time', limit: 200, ...(cursor && { cursor }) });
      // Looked up by id, as search hits leave the raw payload out.
      items.push(...(await test.store.getItems(page.hits.map((h) => h.item.id))));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    items.sort((a, b) => a.id.localeCompare(b.id));
    return { result, items };
  } finally {
    await pipeline.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'framewatch-import-worker-'));
  file = join(dir, 'result.json');
  const text = exportOf(1_200);
  writeFileSync(file, text);
  broken = join(dir, 'broken.json');
  writeFileSync(broken, text.slice(0, Math.floor(text.length * 0.6)));
});

afterAll(async () => {
  for (const s of stores) await s.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('imports through the worker thread', () => {
  it('store exactly what an import on one thread stores, releases included', async () => {
    const here = await importWith(() => file, false);
    const there = await importWith(() => file, true);
    expect(there.result).toEqual(here.result);
    expect(here.result.counts.created).toBeGreaterThan(1_400);
    expect(there.items).toEqual(here.items);
    // Linking ran: copies point at releases other than themselves.
    const copies = there.items.filter((i) => i.releaseId !== null && i.releaseId !== i.id);
    expect(copies.length).toBeGreaterThan(100);
    expect(there.items.some((i) => i.frames.length > 0)).toBe(true);
    // Each raw payload is the export's message as it was parsed.
    const message = JSON.parse(readFileSync(file, 'utf8')).messages[0] as { id: number };
    expect(there.items.find((i) => i.externalId === String(message.id))?.raw).toEqual(message);
  });

  it('stores into Elasticsearch exactly what an import on one thread stores into SQLite', async () => {
    const here = await importWith(() => file, false);
    const there = await importWith(() => file, true, elasticsearchTestStore);
    expect(there.result).toEqual(here.result);
    expect(there.items).toEqual(here.items);
    expect(there.items.filter((i) => i.raw !== undefined).length).toBe(here.items.length);
  });

  it('takes an upload stream chunk by chunk and reports a broken tail as on one thread', async () => {
    const chunks = (path: string) => {
      const text = readFileSync(path);
      const parts: Buffer[] = [];
      for (let i = 0; i < text.length; i += 4096) parts.push(text.subarray(i, i + 4096));
      return () => Readable.from(parts);
    };
    const whole = await importWith(chunks(file), true);
    const fromFile = await importWith(() => file, false);
    expect(whole.items).toEqual(fromFile.items);
    // Where a broken stream stops depends on how far the parser had read ahead when the fault
    // surfaced, so the two runs may keep a different number of messages; each keeps every message
    // it parsed before the fault, stored the same way, and says where it stopped.
    const here = await importWith(chunks(broken), false);
    const there = await importWith(chunks(broken), true);
    for (const run of [here, there]) {
      expect(run.result.error?.code).toBe('broken_export');
      expect(run.result.error?.message).toContain(`export unreadable after ${run.result.records} messages`);
      expect(run.result.counts.created).toBe(run.items.length);
      expect(run.items.length).toBeGreaterThan(500);
    }
    const byId = new Map(fromFile.items.map((i) => [i.id, i]));
    for (const item of [...here.items, ...there.items]) expect(item).toEqual(byId.get(item.id));
  });
});
