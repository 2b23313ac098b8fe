/** Lines over time: a frame's share per side (framing over time) and an item's engagement snapshots. */
import type { EngagementSnapshot, FramingTimelineResponse } from '../api/types.js';
import { bucketEnd, exactNumber, sharePercent, timeText } from './format.js';
import { markerSeries, markerSeriesOverBuckets } from './markers.js';
import { humanize, orderSides, sideColor } from './palette.js';
import { englishChartText } from './labels.js';
import type { ChartOption, MarkData, TimeOptions } from './types.js';

export interface FrameTrendOptions extends TimeOptions {
  baseFilter?: Record<string, string>;
}

/**
 * One line per side: the share of the side's items using `frame` in each bucket (gaps where the
 * side had no items), with the change against the bucket before in the tooltip.
 */
export function buildFrameTrendOption(timeline: FramingTimelineResponse, frame: string, options: FrameTrendOptions): ChartOption {
  const t = options.t ?? englishChartText;
  const sides = orderSides(timeline.sides);
  const series = sides.map((side) => ({
    id: side,
    name: side,
    type: 'line' as const,
    showSymbol: true,
    symbolSize: 5,
    connectNulls: false,
    itemStyle: { color: sideColor(side) },
    data: timeline.buckets.map((bucket) => {
      const items = bucket.sides.find((s) => s.side === side)?.items ?? 0;
      const cell = bucket.cells.find((c) => c.side === side && c.frame === frame);
      const share = items > 0 ? (cell?.share ?? 0) : null;
      const change = cell?.shareChange ?? null;
      return {
        value: [bucket.start, share === null ? null : Number(share.toFixed(4))],
        filter: { ...options.baseFilter, side, frame, from: bucket.start, to: bucketEnd(bucket.start, timeline.interval) },
        tip: [
          `${side} · ${humanize(frame)} · ${t('bucket', { time: timeText(bucket.start, options.zone, t), interval: t(`interval_${timeline.interval}`) })}`,
          share === null
            ? t('noSideItems')
            : t('shareOf', { count: exactNumber(cell?.count ?? 0), total: exactNumber(items), share: sharePercent(share) }),
          ...(change === null
            ? []
            : [t('pointsVsPrevious', { change: `${change >= 0 ? '+' : '−'}${(Math.abs(change) * 100).toFixed(1)}` })]),
        ],
      } as unknown as MarkData;
    }),
  }));
  const overlay = markerSeriesOverBuckets(options.markers, options.zone, timeline.buckets, timeline.interval, t);
  return {
    backgroundColor: 'transparent',
    animation: false,
    useUTC: options.zone === 'UTC',
    aria: { enabled: true },
    grid: { left: 52, right: 24, top: 36, bottom: 40 },
    legend: { type: 'scroll', top: 0, data: sides },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'time', name: options.zone === 'UTC' ? t('axisUtc') : t('axisLocal'), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name: t('axisShare'), min: 0, axisLabel: { formatter: (v: number) => sharePercent(v) } },
    series: overlay ? [...series, overlay] : series,
  };
}

const METRICS = ['views', 'forwards', 'reactions', 'comments'] as const;
const METRIC_COLORS: Record<(typeof METRICS)[number], string> = {
  views: '#5470c6',
  forwards: '#91cc75',
  reactions: '#fac858',
  comments: '#ee6666',
};

/** The original's engagement snapshots: views on the left axis, the smaller counts on the right. */
export function buildEngagementOption(snapshots: readonly EngagementSnapshot[], options: TimeOptions): ChartOption {
  const t = options.t ?? englishChartText;
  const sorted = [...snapshots].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const series = METRICS.filter((metric) => sorted.some((s) => typeof s[metric] === 'number')).map((metric) => ({
    id: metric,
    name: t(`metric_${metric}`),
    type: 'line' as const,
    yAxisIndex: metric === 'views' ? 0 : 1,
    showSymbol: sorted.length < 40,
    itemStyle: { color: METRIC_COLORS[metric] },
    data: sorted
      .filter((s) => typeof s[metric] === 'number')
      .map((s): MarkData => ({
        value: [s.at, s[metric] as number],
        filter: { release: s.itemId },
        tip: [
          timeText(s.at, options.zone, t),
          t('metricValue', { metric: t(`metric_${metric}`), value: exactNumber(s[metric] as number) }),
        ],
      })),
  }));
  const overlay = markerSeries(options.markers, {
    zone: options.zone,
    t,
    ...(sorted[0] && { from: sorted[0].at }),
    ...(sorted.length > 0 && { to: new Date(Date.parse(sorted.at(-1)!.at) + 1).toISOString() }),
  });
  return {
    backgroundColor: 'transparent',
    animation: false,
    useUTC: options.zone === 'UTC',
    aria: { enabled: true },
    grid: { left: 56, right: 56, top: 36, bottom: 40 },
    legend: { top: 0, data: series.map((s) => s.name) },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'time', name: options.zone === 'UTC' ? t('axisUtc') : t('axisLocal') },
    yAxis: [
      { type: 'value', name: t('axisViews'), min: 0 },
      { type: 'value', name: t('axisSmallCounts'), min: 0, splitLine: { show: false } },
    ],
    series: overlay ? [...series, overlay] : series,
  };
}
