/**
 * A translation file is all another language needs: a pseudo-locale built from the English
 * catalogue (every message wrapped in ⟦…⟧, placeholders kept) is registered the way the app
 * registers its locales, and the templates' messages and the plain helpers (item labels, delays,
 * times, chart tooltips, the rule form's errors, the API client's errors) all come out in it.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { useI18n } from 'vue-i18n';
import { ApiError, request } from '../../../client/src/api/http.js';
import { buildTimelineOption, type ChartTranslate } from '../../../client/src/charts/index.js';
import { timeText } from '../../../client/src/charts/format.js';
import { en, type MessageSchema } from '../../../client/src/i18n/en.js';
import { createInterfaceI18n, messages } from '../../../client/src/i18n/index.js';
import { bindText, englishText } from '../../../client/src/i18n/text.js';
import { DraftError, draftToInput, emptyDraft } from '../../../client/src/lib/alert-rule-form.js';
import {
  formatDelay,
  formatTime,
  itemLabel,
  localZoneName,
  signedPercent,
  utcTitle,
  zoneName,
} from '../../../client/src/lib/format.js';
import { aTimeline } from '../charts/fixtures.js';

/** Every message wrapped in ⟦…⟧, each plural form on its own, placeholders untouched. */
function pseudoLocale<T>(catalogue: T): T {
  if (typeof catalogue === 'string')
    return catalogue
      .split(' | ')
      .map((form) => `⟦${form}⟧`)
      .join(' | ') as T;
  return Object.fromEntries(Object.entries(catalogue as object).map(([key, value]) => [key, pseudoLocale(value)])) as T;
}

const pseudo: MessageSchema = pseudoLocale(en);
// The app's own catalogues plus one more file, exactly as a Ukrainian catalogue would be added.
const i18n = createInterfaceI18n({ ...messages, qps: pseudo }, 'qps');
const charts: ChartTranslate = (key, values = {}) => i18n.global.t(`charts.${key}`, values);

const wrapped = /^⟦[^⟦⟧]*⟧$/u;

afterEach(() => {
  i18n.global.locale.value = 'qps';
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
afterAll(() => bindText(englishText));

describe('a pseudo-locale built from the English catalogue', () => {
  it('has every English message, wrapped, with the placeholders intact', () => {
    expect(pseudo.item.untitled).toBe('⟦(untitled)⟧');
    expect(pseudo.format.delay.minutes).toBe('⟦{n} min⟧');
    expect(pseudo.alertRules.webhooks).toBe('⟦{count} webhook⟧ | ⟦{count} webhooks⟧');
  });

  it('speaks through a rendered component: its template messages and the helpers it calls', async () => {
    const Card = defineComponent({
      setup() {
        const { t } = useI18n();
        return () => h('p', [t('release.after'), ' / ', itemLabel({ title: '', text: ' ' }), ' / ', formatDelay(90)]);
      },
    });
    const app = createSSRApp(Card);
    app.use(i18n);
    expect(await renderToString(app)).toBe('<p>⟦After the original⟧ / ⟦(untitled)⟧ / ⟦2 min⟧</p>');
  });

  it('words the item label, delays, changes and times', () => {
    expect(itemLabel({ title: '  ', text: '' })).toBe('⟦(untitled)⟧');
    expect([formatDelay(30), formatDelay(600), formatDelay(5400), formatDelay(259_200)]).toEqual([
      '⟦30 s⟧',
      '⟦10 min⟧',
      '⟦1.5 h⟧',
      '⟦3.0 d⟧',
    ]);
    expect(signedPercent(null)).toBe('⟦new⟧');
    expect(formatTime('2026-01-21T08:30:00Z', 'UTC')).toBe('⟦2026-01-21 08:30 ⟦UTC⟧⟧');
    expect(formatTime('2026-01-21T08:30:00Z', 'local', 'Asia/Seoul')).toBe('⟦2026-01-21 17:30 Asia/Seoul⟧');
    expect(utcTitle('2026-01-21T08:30:15Z')).toBe('⟦2026-01-21 08:30:15 ⟦UTC⟧⟧');
    expect(zoneName('UTC')).toBe('⟦UTC⟧');
  });

  it('names the user’s zone in words when the browser does not name it', () => {
    const real = Intl.DateTimeFormat.prototype.resolvedOptions;
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockImplementation(function (this: Intl.DateTimeFormat) {
      return { ...real.call(this), timeZone: '' };
    });
    expect([localZoneName(), zoneName('local')]).toEqual(['⟦local⟧', '⟦local⟧']);
    expect(formatTime('2026-01-21T08:30:00Z', 'local')).toMatch(/^⟦2026-01-2\d \d\d:30 ⟦local⟧⟧$/u);
  });

  it('words chart times and tooltips when the dashboard passes its translate function', () => {
    expect(timeText('2026-01-21T08:00:00Z', 'UTC', charts)).toBe('⟦2026-01-21 08:00 UTC⟧');
    expect(timeText('2026-01-21T08:00:00Z', 'local', charts)).toMatch(/^⟦2026-01-2\d \d\d:00 local⟧$/u);
    const option = buildTimelineOption({ ...aTimeline(), split: null }, { zone: 'UTC', t: charts }) as {
      series: { name: string; data: { tip: string[] }[] }[];
      xAxis: { name: string };
    };
    expect(option.xAxis.name).toBe('⟦UTC⟧');
    expect(option.series[0]!.name).toBe('⟦total⟧');
    expect(option.series[0]!.data[0]!.tip[0]).toMatch(/^⟦⟦\d{4}-\d\d-\d\d \d\d:\d\d UTC⟧ \(⟦hour⟧\)⟧$/u);
    // The server's briefing charts pass no translate function and stay English.
    expect(timeText('2026-01-21T08:00:00Z', 'UTC')).toBe('2026-01-21 08:00 UTC');
  });

  it('words the rule form’s errors', () => {
    const draft = emptyDraft('volume_spike');
    draft.params.ratio = 'lots';
    expect(() => draftToInput(draft)).toThrow(new DraftError('ratio', 'notANumber'));
    expect(() => draftToInput(draft)).toThrow('⟦ratio: not a number⟧');
    draft.params.ratio = '3';
    draft.type = 'spread_threshold';
    draft.params.pickups = '0';
    expect(() => draftToInput(draft)).toThrow('⟦pickups: whole numbers of at least 1⟧');
  });

  it('words the API client’s own errors (the server’s messages arrive already worded)', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(request('GET', '/search')).rejects.toThrow('⟦The server answered 502 Bad Gateway⟧');
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await request('GET', '/search').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(wrapped);
  });

  it('follows a switch back to English at run time', () => {
    i18n.global.locale.value = 'en';
    expect([itemLabel({ title: '', text: '' }), formatDelay(600), signedPercent(null)]).toEqual(['(untitled)', '10 min', 'new']);
    expect(formatTime('2026-01-21T08:30:00Z', 'UTC')).toBe('2026-01-21 08:30 UTC');
  });
});
