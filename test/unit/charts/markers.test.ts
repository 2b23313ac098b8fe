/** Event markers on the time charts: drawn by the pure builders, so the dashboard and briefings agree. */
import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import type { FramingTimelineResponse } from '../../../client/src/api/types.js';
import {
  MARKER_SERIES_ID,
  buildEngagementOption,
  buildFrameTrendOption,
  buildSpreadCurveOption,
  buildTimelineOption,
  markFilter,
  markerSeries,
  type ChartMarker,
  type MarkerLineDatum,
} from '../../../client/src/charts/index.js';
import { aSpread, aTimeline } from './fixtures.js';

type AnySeries = { id?: string; type?: string; markLine?: { data: MarkerLineDatum[] } };
const seriesOf = (option: { series?: unknown }) => option.series as AnySeries[];
const markerLines = (option: { series?: unknown }) =>
  seriesOf(option).find((s) => s.id === MARKER_SERIES_ID)?.markLine?.data ?? [];

const inside: ChartMarker = {
  id: 'mk-1',
  at: '2026-01-21T09:30:00.000Z',
  label: 'Exchange offer announced by the President of Ukraine',
  description: 'Offer to swap the two soldiers',
  sides: ['UA'],
};
const outside: ChartMarker = { id: 'mk-2', at: '2026-01-25T00:00:00.000Z', label: 'Later' };

describe('event markers', () => {
  it('draws a marker inside the timeline’s range as a labelled vertical line, and leaves out the others', () => {
    const option = buildTimelineOption(aTimeline(), { zone: 'UTC', markers: [outside, inside] });
    const lines = markerLines(option);
    expect(lines.map((l) => l.xAxis)).toEqual(['2026-01-21T09:30:00.000Z']);
    expect(lines[0]!.name).toHaveLength(28);
    expect(lines[0]!.tip).toEqual([
      'Exchange offer announced by the President of Ukraine',
      '2026-01-21 09:30 UTC',
      'sides: UA',
      'Offer to swap the two soldiers',
    ]);
    // A click on the line opens the day after the event.
    expect(markFilter(lines[0])).toEqual({ from: '2026-01-21T09:30:00.000Z', to: '2026-01-22T09:30:00.000Z' });
  });

  it('adds no series when no marker falls in the range (the legend and stack stay as they were)', () => {
    const without = buildTimelineOption(aTimeline(), { zone: 'UTC' });
    const withOutside = buildTimelineOption(aTimeline(), { zone: 'UTC', markers: [outside] });
    expect(seriesOf(withOutside).map((s) => s.id)).toEqual(seriesOf(without).map((s) => s.id));
    expect(markerSeries([], { zone: 'UTC' })).toBeNull();
  });

  it('includes the last bucket’s whole interval and excludes its end', () => {
    const lastBucket = { ...inside, id: 'mk-3', at: '2026-01-21T10:59:00.000Z' };
    const atEnd = { ...inside, id: 'mk-4', at: '2026-01-21T11:00:00.000Z' };
    const lines = markerLines(buildTimelineOption(aTimeline(), { zone: 'UTC', markers: [atEnd, lastBucket] }));
    expect(lines.map((l) => l.markerId)).toEqual(['mk-3']);
  });

  it('draws markers on the spread curve, the frame trend and the engagement curve too', () => {
    expect(markerLines(buildSpreadCurveOption(aSpread(), { zone: 'UTC', markers: [inside] }))).toHaveLength(1);
    const trend: FramingTimelineResponse = {
      interval: 'day',
      sides: ['UA'],
      frames: ['exchange_offer'],
      buckets: [
        {
          start: '2026-01-21T00:00:00.000Z',
          sides: [{ side: 'UA', items: 4 }],
          cells: [
            {
              side: 'UA',
              frame: 'exchange_offer',
              count: 1,
              share: 0.25,
              previousCount: 0,
              previousShare: null,
              shareChange: null,
            },
          ],
        },
      ],
    };
    const trendOption = buildFrameTrendOption(trend, 'exchange_offer', { zone: 'UTC', markers: [inside, outside] });
    expect(markerLines(trendOption).map((l) => l.markerId)).toEqual(['mk-1']);
    const engagement = buildEngagementOption(
      [
        { itemId: 'a', at: '2026-01-21T08:00:00.000Z', views: 10 },
        { itemId: 'a', at: '2026-01-21T12:00:00.000Z', views: 50 },
      ],
      { zone: 'UTC', markers: [inside] },
    );
    expect(markerLines(engagement)).toHaveLength(1);
  });

  it('renders in ECharts server-side (as briefings do) with the marker’s label in the SVG', () => {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 400 });
    chart.setOption(buildTimelineOption(aTimeline(), { zone: 'UTC', markers: [{ ...inside, label: 'KCNA statement' }] }));
    const svg = chart.renderToSVGString();
    chart.dispose();
    expect(svg).toContain('KCNA statement');
  });
});

describe('frame trend per side', () => {
  it('plots the share per bucket, a gap where the side had no items, and the change in the tooltip', () => {
    const trend: FramingTimelineResponse = {
      interval: 'day',
      sides: ['RU', 'UA'],
      frames: ['exchange_offer'],
      buckets: [
        { start: '2026-01-20T00:00:00.000Z', sides: [{ side: 'UA', items: 10 }], cells: [] },
        {
          start: '2026-01-21T00:00:00.000Z',
          sides: [
            { side: 'UA', items: 4 },
            { side: 'RU', items: 2 },
          ],
          cells: [
            { side: 'UA', frame: 'exchange_offer', count: 2, share: 0.5, previousCount: 0, previousShare: 0, shareChange: 0.5 },
          ],
        },
      ],
    };
    const series = buildFrameTrendOption(trend, 'exchange_offer', { zone: 'UTC' }).series as {
      name: string;
      data: { value: [string, number | null]; tip: string[] }[];
    }[];
    expect(series.map((s) => s.name)).toEqual(['UA', 'RU']);
    expect(series[0]!.data.map((d) => d.value[1])).toEqual([0, 0.5]);
    expect(series[1]!.data.map((d) => d.value[1])).toEqual([null, 0]);
    expect(series[0]!.data[1]!.tip).toContain('+50.0 points vs previous');
  });
});
