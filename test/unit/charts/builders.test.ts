/** The option builders run in plain Node: no DOM, no Vue. */
import { describe, expect, it } from 'vitest';
import {
  SIDE_COLORS,
  buildFramingHeatmapOption,
  buildMixOption,
  buildSparklineOption,
  buildSpreadCurveOption,
  buildTimelineOption,
  markFilter,
  orderSides,
} from '../../../client/src/charts/index.js';
import type { MarkData } from '../../../client/src/charts/index.js';
import { aFraming, aSpread, aTimeline, someTerms } from './fixtures.js';

type AnySeries = { id?: string; name?: string; type?: string; data: MarkData[]; itemStyle?: { color?: string } };
const seriesOf = (option: { series?: unknown }) => option.series as AnySeries[];

describe('timeline by side', () => {
  it('stacks one series per side present, in the canonical side order, coloured by the palette', () => {
    const series = seriesOf(buildTimelineOption(aTimeline(), { zone: 'UTC' }));
    expect(series.map((s) => s.name)).toEqual(['UA', 'RU', 'KP']);
    expect(series.every((s) => s.type === 'bar')).toBe(true);
    expect(series[0]!.itemStyle?.color).toBe(SIDE_COLORS.UA);
    expect(series[1]!.data.map((d) => (d.value as [string, number])[1])).toEqual([2, 1, 0]);
  });

  it('gives every bar the filter of its items: side and the bucket as from/to, plus the view filter', () => {
    const series = seriesOf(buildTimelineOption(aTimeline(), { zone: 'UTC', baseFilter: { lang: 'uk' } }));
    const kp = series.find((s) => s.name === 'KP')!;
    expect(markFilter(kp.data[1])).toEqual({
      lang: 'uk',
      side: 'KP',
      from: '2026-01-21T09:00:00.000Z',
      to: '2026-01-21T10:00:00.000Z',
    });
    expect(kp.data[1]!.tip).toContain('KP: 3 items');
  });

  it('labels the axis with its zone and asks ECharts for UTC only in UTC mode', () => {
    const utc = buildTimelineOption(aTimeline(), { zone: 'UTC' }) as { useUTC: boolean; xAxis: { name: string } };
    const local = buildTimelineOption(aTimeline(), { zone: 'local' }) as { useUTC: boolean; xAxis: { name: string } };
    expect([utc.useUTC, utc.xAxis.name]).toEqual([true, 'UTC']);
    expect([local.useUTC, local.xAxis.name]).toEqual([false, 'local time']);
  });

  it('draws one total series when the timeline is not split', () => {
    const series = seriesOf(buildTimelineOption(aTimeline({ split: null }), { zone: 'UTC' }));
    expect(series).toHaveLength(1);
    expect(series[0]!.data.map((d) => (d.value as [string, number])[1])).toEqual([5, 4, 0]);
    expect(markFilter(series[0]!.data[0])).toEqual({ from: '2026-01-21T08:00:00.000Z', to: '2026-01-21T09:00:00.000Z' });
  });

  it('is a pure function: the same input gives the same option and the input is not changed', () => {
    const input = aTimeline();
    const copy = structuredClone(input);
    expect(JSON.stringify(buildTimelineOption(input, { zone: 'UTC' }))).toBe(
      JSON.stringify(buildTimelineOption(input, { zone: 'UTC' })),
    );
    expect(input).toEqual(copy);
  });
});

describe('mix', () => {
  it('has one bar per key, the largest on top, each filtering by its field with exact counts and shares', () => {
    const option = buildMixOption(someTerms('lang'));
    const [series] = seriesOf(option);
    expect((option.yAxis as { data: string[] }).data).toEqual(['youtube', 'telegram']);
    expect(series!.data.map((d) => markFilter(d))).toEqual([{ lang: 'youtube' }, { lang: 'telegram' }]);
    expect(series!.data[1]!.tip[1]).toBe('7 items (70.0% of 10)');
  });

  it('uses display labels when given', () => {
    const option = buildMixOption(
      { field: 'source', total: 2, buckets: [{ key: 'kcna', count: 2 }] },
      { labels: { kcna: 'KCNA (demo)' } },
    );
    expect((option.yAxis as { data: string[] }).data).toEqual(['KCNA (demo)']);
    expect(markFilter(seriesOf(option)[0]!.data[0])).toEqual({ source: 'kcna' });
  });
});

describe('framing heatmap', () => {
  it('places each cell at (frame, side) with its share and filters by side and frame', () => {
    const option = buildFramingHeatmapOption(aFraming(), { baseFilter: { q: 'exchange' } });
    expect((option.yAxis as { data: string[] }).data).toEqual(['UA', 'RU']);
    expect((option.xAxis as { data: string[] }).data).toEqual(['Exchange offer', 'Denial fabrication']);
    const [series] = seriesOf(option);
    const ua = series!.data.find((d) => markFilter(d)?.side === 'UA')!;
    expect(ua.value).toEqual([0, 0, 0.6]);
    expect(markFilter(ua)).toEqual({ q: 'exchange', side: 'UA', frame: 'exchange_offer' });
    expect(ua.tip[1]).toBe('12 of 20 UA items (60.0%)');
    expect((option.visualMap as { max: number }).max).toBe(0.7);
  });

  it('handles an empty matrix', () => {
    const option = buildFramingHeatmapOption({ sides: [], frames: [], cells: [] });
    expect(seriesOf(option)[0]!.data).toEqual([]);
  });
});

describe('spread', () => {
  it('draws cumulative pickups and views, and each side’s first pickup in its colour', () => {
    const series = seriesOf(buildSpreadCurveOption(aSpread(), { zone: 'UTC' }));
    expect(series.map((s) => s.id)).toEqual(['cumulative-pickups', 'cumulative-views', 'first-UA', 'first-RU']);
    expect(series[0]!.data.map((d) => (d.value as [string, number])[1])).toEqual([1, 1, 3]);
    expect(series[1]!.data.map((d) => (d.value as [string, number])[1])).toEqual([1000, 1200, 1500]);
    const ru = series[3]!;
    expect(ru.itemStyle?.color).toBe(SIDE_COLORS.RU);
    expect(ru.data[0]!.value).toEqual(['2026-01-21T10:30:00.000Z', 3]);
    expect(markFilter(ru.data[0])).toEqual({ release: 'rel-1', side: 'RU' });
  });

  it('makes a sparkline of cumulative pickups that filters to the release', () => {
    const [series] = seriesOf(buildSparklineOption(aSpread()));
    expect(series!.data.map((d) => (d.value as [string, number])[1])).toEqual([1, 1, 3]);
    expect(markFilter(series!.data[0])).toEqual({ release: 'rel-1' });
  });
});

describe('palette', () => {
  it('orders sides canonically with unknown extras last', () => {
    expect(orderSides(['ZZ', 'RU', 'UNKNOWN', 'UA', 'AA'])).toEqual(['UA', 'RU', 'UNKNOWN', 'AA', 'ZZ']);
  });

  it('reads no filter from marks without one', () => {
    expect(markFilter(undefined)).toBeNull();
    expect(markFilter({ value: 1 })).toBeNull();
    expect(markFilter(5)).toBeNull();
  });
});
