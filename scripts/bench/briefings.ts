/**
 * Briefings benchmark (issue 7): a week of 100,000 generated items on SQLite, briefed in all three
 * formats (target <= 10 s), against the same run's baseline: the analytics queries alone (the
 * gathering step without charts or rendering). Peak memory is sampled over the briefing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSources, generateItems } from '../../pipelines/generator/index.js';
import { gatherBriefing } from '../../server/briefings/gather.js';
import { BriefingService } from '../../server/briefings/service.js';
import { SqliteStore } from '../../server/store/sqlite/sqlite-store.js';
import { timed, watchMemory } from './measure.js';

export interface BriefingFigures {
  items: number;
  /** Analytics queries alone (gathering the numbers), ms. */
  queriesMs: number;
  /** Generate (gather + store) and render HTML, Markdown zip and PDF, ms. */
  totalMs: number;
  generateMs: number;
  htmlMs: number;
  markdownMs: number;
  pdfMs: number;
  bytes: { html: number; markdown: number; pdf: number };
  peakRssMb: number;
  peakHeapMb: number;
}

const WEEK = { from: '2026-01-18T22:00:00.000Z', to: '2026-01-25T22:00:00.000Z', timeZone: 'Europe/Kyiv' };

export async function briefingsBench(options: { items: number; log: (line: string) => void }): Promise<BriefingFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'framewatch-bench-briefings-'));
  const store = new SqliteStore({ file: join(dir, 'bench.sqlite') });
  await store.init();
  try {
    for (const source of demoSources()) await store.createSource(source, new Date('2025-12-01T00:00:00Z'));
    options.log(`briefings: storing ${options.items} items over one week…`);
    let batch = [];
    for (const item of generateItems({ seed: 11, count: options.items, start: new Date(WEEK.from), days: 7 })) {
      batch.push(item);
      if (batch.length >= 5000) {
        await store.upsertItems(batch, new Date('2026-01-27T00:00:00Z'));
        batch = [];
      }
    }
    if (batch.length > 0) await store.upsertItems(batch, new Date('2026-01-27T00:00:00Z'));
    const asOf = '2026-01-28T10:00:00.000Z';
    const service = new BriefingService(store, { timeZone: WEEK.timeZone, clock: () => new Date(asOf) });

    // Warm both paths once (SQLite page cache, ECharts and font loading), then time them.
    await gatherBriefing(store, { period: WEEK, scope: {}, asOf });
    const queries = await timed(() => gatherBriefing(store, { period: WEEK, scope: {}, asOf }));

    const memory = watchMemory();
    const started = performance.now();
    const generated = await timed(() => service.generate({ from: WEEK.from, to: WEEK.to }, 'bench'));
    const html = await timed(() => service.render(generated.value, 'html'));
    const markdown = await timed(() => service.render(generated.value, 'md.zip'));
    const pdf = await timed(() => service.render(generated.value, 'pdf'));
    const totalMs = performance.now() - started;
    const peak = memory.stop();
    return {
      items: options.items,
      queriesMs: queries.ms,
      totalMs,
      generateMs: generated.ms,
      htmlMs: html.ms,
      markdownMs: markdown.ms,
      pdfMs: pdf.ms,
      bytes: { html: html.value.length, markdown: markdown.value.length, pdf: pdf.value.length },
      peakRssMb: peak.peakRssMb,
      peakHeapMb: peak.peakHeapMb,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
