/** A fixed fixture: generated items over January 2026 plus a few hand-made ones (quotes in Ukrainian and Korean, an XSS title). */
import { demoSources, generateItems } from '../../../pipelines/generator/index.js';
import type { ItemInput } from '../../../server/domain/schemas.js';
import type { Store } from '../../../server/store/port.js';
import { anItem } from '../../helpers/factories.js';

/** The briefing week in Europe/Kyiv: Monday 2026-01-19 00:00 (+02:00) to Monday 2026-01-26 00:00. */
export const WEEK = { from: '2026-01-18T22:00:00.000Z', to: '2026-01-25T22:00:00.000Z' };
/** "Generation starts" on the Wednesday after it. */
export const NOW = new Date('2026-01-28T10:00:00Z');

export const UKRAINIAN_QUOTE = 'Україна пропонує обмін: їхні полонені на наших захисників';
export const KOREAN_QUOTE = '북한군 포로 송환 문제에 대한 정부 입장';
export const XSS_TITLE = '<img src=x onerror=alert(1)><script>alert("xss")</script>';

export function handMadeItems(): ItemInput[] {
  return [
    anItem({
      sourceId: 'briefing-ua',
      side: 'UA',
      lang: 'uk',
      title: 'Заява щодо обміну',
      text: UKRAINIAN_QUOTE,
      url: 'https://t.me/briefing_ua/1',
      publishedAt: '2026-01-20T09:00:00Z',
      collectedAt: '2026-01-20T09:05:00Z',
      engagement: { views: 9_000_000, forwards: 0, reactions: 0, comments: 0 },
    }),
    anItem({
      sourceId: 'briefing-kr',
      side: 'KR',
      lang: 'ko',
      platform: 'rss',
      kind: 'statement',
      title: '정부 입장',
      text: KOREAN_QUOTE,
      url: 'https://www.example.kr/statement/1',
      publishedAt: '2026-01-21T03:00:00Z',
      collectedAt: '2026-01-21T03:10:00Z',
      engagement: { views: 8_000_000, forwards: 0, reactions: 0, comments: 0 },
    }),
    anItem({
      sourceId: 'briefing-ru',
      side: 'RU',
      lang: 'ru',
      title: XSS_TITLE,
      text: `${XSS_TITLE} [link](javascript:alert(1)) **bold**`,
      url: 'javascript:alert(1)',
      publishedAt: '2026-01-22T12:00:00Z',
      collectedAt: '2026-01-22T12:01:00Z',
      engagement: { views: 7_000_000, forwards: 0, reactions: 0, comments: 0 },
    }),
  ];
}

/** Sources, ~2,500 generated items (1–26 January 2026) and the hand-made ones. */
export async function seedFixture(store: Store, count = 2_500): Promise<void> {
  for (const source of demoSources()) await store.createSource(source, new Date('2025-12-01T00:00:00Z'));
  const items = [...generateItems({ seed: 7, count, start: new Date('2026-01-01T00:00:00Z'), days: 26 }), ...handMadeItems()];
  for (let i = 0; i < items.length; i += 1000)
    await store.upsertItems(items.slice(i, i + 1000), new Date('2026-01-27T00:00:00Z'));
  await store.sync();
}
