import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTabular, parseMapping } from '../../../pipelines/collectors/import.js';
import { importTelegramExport, type ImportProgress } from '../../../pipelines/collectors/telegram-export.js';
import type { RawItem } from '../../../pipelines/collectors/types.js';
import { fixturePath, hasRealdata, REALDATA } from '../../fixtures/collectors/index.js';

if (!hasRealdata) console.warn('[collectors] ../shared/realdata is absent: real-capture checks are skipped');

/** Writes a syntactically valid export of `count` messages, alternating string and array text. */
async function writeExport(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (chunk: string) => new Promise<void>((resolve) => (out.write(chunk) ? resolve() : out.once('drain', resolve)));
  await write('{\n "name": "Generated",\n "type": "public_channel",\n "id": 42,\n "messages": [\n');
  for (let id = 1; id <= count; id++) {
    const text =
      id % 2
        ? `"Повідомлення ${id} про обмін полоненими"`
        : `["Сообщение ${id} ", {"type": "link", "text": "https://example.org/${id}"}]`;
    const message = {
      id,
      type: 'message',
      date: '2026-01-12T10:00:00',
      date_unixtime: String(1768212000 + id),
      from: 'Generated',
      text: JSON.parse(text) as unknown,
      text_entities: [{ type: 'plain', text: `Message ${id}` }],
    };
    await write(`  ${JSON.stringify(message)}${id < count ? ',' : ''}\n`);
  }
  await write(' ]\n}\n');
  await new Promise<void>((resolve) => out.end(resolve));
}

describe('Telegram Desktop export import', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fw-export-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rebuilds text from text_entities and falls back to string or array text', async () => {
    const report = await importTelegramExport(fixturePath('telegram-export/result.json'), {
      sourceId: 'export',
      channelHandle: 'fw_test',
    });
    expect(report.error).toBeUndefined();
    expect(report.messages).toBe(5);
    const items = report.collected ?? [];
    expect(items.map((i) => i.externalId)).toEqual(['2', '3', '5']);
    const [plain, video, photo] = items;
    expect(plain).toMatchObject({ text: 'Простий текст повідомлення про полонених.', publishedAt: '2026-01-12T09:15:00.000Z' });
    expect(video).toMatchObject({
      kind: 'video',
      text: 'Відео допиту: дивитися #КНДР https://t.me/hochu_zhit_ua/3310',
      editedAt: '2026-01-12T10:05:00.000Z',
      forwardedFrom: { name: 'Хочу жить' },
      media: [{ type: 'video', durationSec: 267 }],
      links: ['https://www.youtube.com/watch?v=AbCdEf12345', 'https://t.me/hochu_zhit_ua/3310'],
      url: 'https://t.me/fw_test/3',
    });
    expect(video?.engagement).toBeUndefined();
    expect(photo).toMatchObject({ text: '북한군 포로 영상 공개 click', media: [{ type: 'photo' }] });
    expect(photo?.links).toBeUndefined();
    expect(report.skipped).toEqual([{ ref: 'message 6', reason: 'missing or invalid date_unixtime' }]);
    expect(report.skippedCount).toBe(2); // the service message is counted, not listed
  });

  it.skipIf(!hasRealdata)('reads the real export (newer schema with custom emoji)', async () => {
    const report = await importTelegramExport(join(REALDATA, 'telegram_export_json/pachumarchive_result.json'), {
      sourceId: 'real',
    });
    expect(report.error).toBeUndefined();
    const first = report.collected?.[0];
    expect(first).toMatchObject({
      externalId: '3858',
      publishedAt: '2026-06-19T11:26:50.000Z',
      editedAt: '2026-06-19T11:26:54.000Z',
    });
    expect(first?.text.startsWith('Очень странные дела (S1 E1-5)\n\n📹 ТВИЧ | 💳 БУСТИ')).toBe(true);
    expect(first?.links).toContain('https://www.twitch.tv/guz3lka');
    expect(first?.media).toEqual([{ type: 'photo' }]);
  });

  it('keeps the 10,000 messages before a truncation and reports where it broke', async () => {
    const path = join(dir, 'broken.json');
    await writeExport(path, 10_050);
    const full = await readFile(path, 'utf8');
    // Cut in the middle of message 10,001.
    const cut = Buffer.byteLength(full.slice(0, full.indexOf('{"id":10001,') + 30));
    await truncate(path, cut);
    const batches: number[] = [];
    const progress: ImportProgress[] = [];
    let last: RawItem | undefined;
    const report = await importTelegramExport(path, {
      sourceId: 'broken',
      batchSize: 1000,
      onBatch: (items) => {
        batches.push(items.length);
        last = items.at(-1);
      },
      onProgress: (p) => progress.push(p),
    });
    expect(report.items).toBe(10_000);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(last?.externalId).toBe('10000');
    expect(report.error).toMatchObject({ code: 'broken_export', messagesParsed: 10_000, lastMessageId: '10000', bytesRead: cut });
    expect(report.error?.message).toMatch(/after 10000 messages near byte \d+/);
    expect(progress.at(-1)).toMatchObject({ bytesRead: cut, totalBytes: cut, items: 10_000 });
  });

  it('streams an upload body and applies backpressure through onBatch', async () => {
    const path = join(dir, 'upload.json');
    await writeExport(path, 3000);
    const { size } = await stat(path);
    const body = Readable.from(
      (async function* () {
        const data = await readFile(path);
        for (let i = 0; i < data.length; i += 16 * 1024) yield data.subarray(i, i + 16 * 1024);
      })(),
    );
    let inFlight = 0;
    let overlap = false;
    const report = await importTelegramExport(body, {
      sourceId: 'upload',
      totalBytes: size,
      batchSize: 250,
      onBatch: async () => {
        if (inFlight++) overlap = true;
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
      },
    });
    expect(report).toMatchObject({ items: 3000, bytesRead: size });
    expect(report.error).toBeUndefined();
    expect(overlap).toBe(false);
  });

  it('reports JSON that is not an export', async () => {
    const report = await importTelegramExport(Readable.from([Buffer.from('{"hello": "world"}')]), { sourceId: 'x' });
    expect(report.error?.code).toBe('not_an_export');
  });
});

describe('NDJSON and CSV import', () => {
  it('parses a mapping spec and refuses unknown fields', () => {
    expect(parseMapping('text=message,publishedAt=date, externalId=id')).toEqual({
      text: 'message',
      publishedAt: 'date',
      externalId: 'id',
    });
    expect(() => parseMapping('body=message')).toThrow(/bad mapping/);
  });

  it('imports NDJSON with a mapping, reporting bad lines by number', async () => {
    const report = await importTabular(fixturePath('import/items.ndjson'), {
      sourceId: 'nd',
      format: 'ndjson',
      mapping: parseMapping('text=message,publishedAt=date,externalId=id,url=link,views=views,lang=meta.lang'),
    });
    expect(report.collected?.map((i) => [i.externalId, i.publishedAt, i.lang, i.engagement?.views])).toEqual([
      ['n-1', '2026-01-12T09:00:00.000Z', 'ru', 1200],
      ['n-2', '2026-01-12T09:00:00.000Z', 'ko', 45],
      ['n-4', '2026-01-12T08:00:00.000Z', 'en', undefined],
    ]);
    expect(report.collected?.[2]?.text).toBe('Emoji 😀 and RTL \u200fשלום\u200f and zero\u200dwidth');
    expect(report.skipped).toEqual([
      { ref: 'line 3', reason: expect.stringMatching(/^invalid JSON/) as unknown as string },
      { ref: 'line 4', reason: 'date without time zone: 2026-01-12 09:00:00 (column "date")' },
      { ref: 'line 5', reason: 'not a JSON object' },
      { ref: 'line 8', reason: 'no text (column "message")' },
    ]);
  });

  it('imports CSV with quoted fields and newlines, reporting bad records by line', async () => {
    const report = await importTabular(fixturePath('import/items.csv'), {
      sourceId: 'csv',
      format: 'csv',
      mapping: parseMapping('externalId=post_id,text=body,publishedAt=posted,url=url,views=views'),
    });
    expect(report.collected?.map((i) => [i.externalId, i.text, i.publishedAt, i.engagement?.views])).toEqual([
      ['c-1', 'Заява МЗС, 12 січня', '2026-01-12T07:00:00.000Z', 300],
      ['c-2', 'Line with "quotes" and\nnewline', '2026-01-12T10:00:00.000Z', undefined],
      ['c-5', 'ok again', '2026-01-12T10:00:00.000Z', 7],
    ]);
    expect(report.skipped.map((s) => s.ref)).toEqual(['line 5', 'line 6']);
    expect(report.skipped[0]?.reason).toMatch(/missing date/);
    expect(report.skipped[1]?.reason).toMatch(/column|record/i);
  });

  it('keeps the rows before an unclosed quote and reports it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-csv-'));
    const path = join(dir, 'broken.csv');
    await writeFile(
      path,
      'id,text,date\n1,fine,2026-01-12T09:00:00Z\n2,"never closed,2026-01-12T09:00:00Z\n3,x,2026-01-12T09:00:00Z\n',
    );
    const report = await importTabular(path, { sourceId: 'csv', format: 'csv', mapping: { publishedAt: 'date' } });
    expect(report.collected?.map((i) => i.externalId)).toEqual(['1']);
    expect(report.skipped[0]?.reason).toMatch(/Quote Not Closed/);
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the lines before a broken upload stream and reports the fault', async () => {
    const body = new Readable({ read() {} });
    body.push(
      '{"id":"a","text":"one","publishedAt":"2026-01-12T09:00:00Z"}\n{"id":"b","text":"two","publishedAt":"2026-01-12T09:00:00Z"}\n',
    );
    setTimeout(() => body.destroy(new Error('connection reset by client')), 20);
    const report = await importTabular(body, { sourceId: 'up', format: 'ndjson' });
    expect(report.collected?.map((i) => i.externalId)).toEqual(['a', 'b']);
    expect(report.error).toMatchObject({ code: 'broken_import', line: 3 });
    expect(report.error?.message).toMatch(/connection reset/);
  });
});
