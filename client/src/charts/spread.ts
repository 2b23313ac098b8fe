/** How a release spread: a sparkline for lists, and the release page's curve coloured by side. */
import type { SpreadResponse } from '../api/types.js';
import { exactNumber, timeText } from './format.js';
import { markerSeriesOverBuckets } from './markers.js';
import { orderSides, sideColor } from './palette.js';
import { englishChartText } from './labels.js';
import type { ChartOption, MarkData, TextOptions, TimeOptions } from './types.js';

/** A tiny cumulative-pickups line with no axes; a click opens the release's copies. */
export function buildSparklineOption(spread: SpreadResponse, options: TextOptions = {}): ChartOption {
  const t = options.t ?? englishChartText;
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 1, right: 1, top: 2, bottom: 2 },
    xAxis: { type: 'time', show: false },
    yAxis: { type: 'value', show: false, min: 0 },
    tooltip: { trigger: 'item' },
    series: [
      {
        id: 'pickups',
        type: 'line',
        symbol: 'circle',
        symbolSize: 3,
        showSymbol: false,
        lineStyle: { width: 1.5, color: sideColor(spread.original?.side ?? 'UNKNOWN') },
        areaStyle: { opacity: 0.15, color: sideColor(spread.original?.side ?? 'UNKNOWN') },
        data: spread.curve.map((point): MarkData => ({
          value: [point.start, point.cumulativePickups],
          filter: { release: spread.releaseId },
          tip: [timeText(point.start, 'UTC', t), t('pickupsSoFar', { count: exactNumber(point.cumulativePickups) })],
        })),
      },
    ],
  };
}

/**
 * Cumulative pickups and summed views over time, with each side's first pickup marked in the
 * side's colour (the cascade at a glance). Marks filter to the release, and to the side for the
 * first-seen points.
 */
export function buildSpreadCurveOption(spread: SpreadResponse, options: TimeOptions): ChartOption {
  const t = options.t ?? englishChartText;
  const pickupsAt = (iso: string) => {
    const t = Date.parse(iso);
    let last = 0;
    for (const point of spread.curve) {
      if (Date.parse(point.start) > t) break;
      last = point.cumulativePickups;
    }
    return last;
  };
  const firstSeen = orderSides(spread.firstSeenPerSide.map((f) => f.side)).map((side) => {
    const first = spread.firstSeenPerSide.find((f) => f.side === side)!;
    return {
      id: `first-${side}`,
      name: side,
      type: 'scatter' as const,
      yAxisIndex: 0,
      symbolSize: 12,
      z: 5,
      itemStyle: { color: sideColor(side) },
      data: [
        {
          value: [first.firstSeenAt, pickupsAt(first.firstSeenAt)],
          filter: { release: spread.releaseId, side },
          tip: [t('firstSeen', { side }), timeText(first.firstSeenAt, options.zone, t)],
        } satisfies MarkData,
      ],
    };
  });
  const overlay = markerSeriesOverBuckets(options.markers, options.zone, spread.curve, 'hour', t);
  return {
    backgroundColor: 'transparent',
    animation: false,
    useUTC: options.zone === 'UTC',
    aria: { enabled: true },
    grid: { left: 56, right: 64, top: 40, bottom: 40 },
    legend: { type: 'scroll', top: 0 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'time', name: options.zone === 'UTC' ? t('axisUtc') : t('axisLocal') },
    yAxis: [
      { type: 'value', name: t('axisPickups'), minInterval: 1 },
      { type: 'value', name: t('axisViews'), splitLine: { show: false } },
    ],
    series: [
      {
        id: 'cumulative-pickups',
        name: t('seriesPickups'),
        type: 'line',
        step: 'end',
        showSymbol: false,
        yAxisIndex: 0,
        itemStyle: { color: '#5470c6' },
        data: spread.curve.map((point): MarkData => ({
          value: [point.start, point.cumulativePickups],
          filter: { release: spread.releaseId },
          tip: [
            timeText(point.start, options.zone, t),
            t('pickupsStep', { count: exactNumber(point.cumulativePickups), added: exactNumber(point.pickups) }),
          ],
        })),
      },
      {
        id: 'cumulative-views',
        name: t('seriesViews'),
        type: 'line',
        showSymbol: false,
        yAxisIndex: 1,
        lineStyle: { type: 'dashed' },
        itemStyle: { color: '#91cc75' },
        data: spread.curve.map((point): MarkData => ({
          value: [point.start, point.cumulativeViews],
          filter: { release: spread.releaseId },
          tip: [
            timeText(point.start, options.zone, t),
            t('viewsStep', { count: exactNumber(point.cumulativeViews), added: exactNumber(point.views) }),
          ],
        })),
      },
      ...firstSeen,
      ...(overlay ? [overlay] : []),
    ],
  };
}
