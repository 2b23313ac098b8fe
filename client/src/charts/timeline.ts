/** Items over time, stacked by side (or platform, kind, frame): the overview's wall-screen chart. */
import type { TimelineResponse } from '../api/types.js';
import { bucketEnd, exactNumber, timeText } from './format.js';
import { markerSeriesOverBuckets } from './markers.js';
import { englishChartText } from './labels.js';
import { categoryColor, humanize, orderSides, sideColor } from './palette.js';
import type { ChartOption, MarkData, TimeOptions } from './types.js';

export interface TimelineOptions extends TimeOptions {
  /** Extra filter every mark carries (the view's current filters). */
  baseFilter?: Record<string, string>;
}

/** Series keys of a split timeline, sides in their canonical order. */
export function timelineKeys(timeline: TimelineResponse): string[] {
  const keys = new Set<string>();
  for (const bucket of timeline.buckets) for (const [key, count] of Object.entries(bucket.split)) if (count > 0) keys.add(key);
  return timeline.split === 'side' ? orderSides(keys) : [...keys].sort();
}

export function buildTimelineOption(timeline: TimelineResponse, options: TimelineOptions): ChartOption {
  const t = options.t ?? englishChartText;
  const split = timeline.split;
  const keys = split ? timelineKeys(timeline) : ['total'];
  const colorOf = (key: string) => (split === 'side' ? sideColor(key) : categoryColor(key));
  const series = keys.map((key) => ({
    id: key,
    name: !split ? t('seriesTotal') : split === 'frame' ? humanize(key) : key,
    type: 'bar' as const,
    stack: 'items',
    barCategoryGap: '10%',
    large: false,
    emphasis: { focus: 'series' as const },
    itemStyle: { color: split ? colorOf(key) : '#5470c6' },
    data: timeline.buckets.map((bucket): MarkData => {
      const count = split ? (bucket.split[key] ?? 0) : bucket.total;
      const to = bucketEnd(bucket.start, timeline.interval);
      return {
        value: [bucket.start, count],
        filter: { ...options.baseFilter, ...(split && { [split]: key }), from: bucket.start, to },
        tip: [
          t('bucket', { time: timeText(bucket.start, options.zone, t), interval: t(`interval_${timeline.interval}`) }),
          split
            ? t('keyItems', { key: split === 'frame' ? humanize(key) : key, count: exactNumber(count) })
            : t('itemsCount', { count: exactNumber(count) }),
          t('allItems', { count: exactNumber(bucket.total) }),
        ],
      };
    }),
  }));
  const overlay = markerSeriesOverBuckets(options.markers, options.zone, timeline.buckets, timeline.interval, t);
  return {
    backgroundColor: 'transparent',
    animation: false,
    useUTC: options.zone === 'UTC',
    aria: { enabled: true },
    grid: { left: 48, right: 44, top: 36, bottom: 48 },
    legend: { type: 'scroll', top: 0, data: series.map((s) => s.name) },
    tooltip: { trigger: 'item' },
    xAxis: {
      type: 'time',
      name: options.zone === 'UTC' ? t('axisUtc') : t('axisLocal'),
      nameLocation: 'end',
      nameGap: 6,
      axisLabel: { hideOverlap: true },
    },
    yAxis: { type: 'value', name: t('axisItems'), minInterval: 1 },
    dataZoom: [{ type: 'inside' }],
    series: overlay ? [...series, overlay] : series,
  };
}
