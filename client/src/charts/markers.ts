/**
 * Event markers on time charts: one vertical markLine per marker inside the chart's range, labelled,
 * with the marker's text as its tooltip and the day after it as its click filter. Pure, so the
 * briefings draw the same lines.
 */
import { bucketEnd, timeText } from './format.js';
import { englishChartText, type ChartTranslate } from './labels.js';
import type { MarkFilter, ZoneMode } from './types.js';

/** What a chart needs of an event marker (the API's EventMarker fits). */
export interface ChartMarker {
  id: string;
  at: string;
  label: string;
  description?: string | null;
  sides?: string[];
}

export interface MarkerOverlayOptions {
  zone: ZoneMode;
  /** Chart words; English when absent. */
  t?: ChartTranslate;
  /** Only markers in [from, to) are drawn (the chart's range); all when absent. */
  from?: string;
  to?: string;
}

export interface MarkerLineDatum {
  xAxis: string;
  name: string;
  markerId: string;
  filter: MarkFilter;
  tip: string[];
}

export const MARKER_SERIES_ID = 'event-markers';
const MARKER_COLOR = '#6b5b95';

export function markersInRange<M extends ChartMarker>(markers: readonly M[], range: { from?: string; to?: string }): M[] {
  const from = range.from ? Date.parse(range.from) : Number.NEGATIVE_INFINITY;
  const to = range.to ? Date.parse(range.to) : Number.POSITIVE_INFINITY;
  return markers
    .filter((m) => {
      const t = Date.parse(m.at);
      return t >= from && t < to;
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id));
}

/** Labels are cut so a long one cannot cover the chart; the tooltip has the full text. */
const shortLabel = (label: string) => (label.length > 28 ? `${label.slice(0, 27)}…` : label);

/**
 * A data-less series carrying the markers as a markLine, or null when none falls in the range.
 * Append it to a time chart's series; its id lets a chart update replace it.
 */
export function markerSeries(markers: readonly ChartMarker[] | undefined, options: MarkerOverlayOptions) {
  const shown = markersInRange(markers ?? [], options);
  if (shown.length === 0) return null;
  const t = options.t ?? englishChartText;
  const data: MarkerLineDatum[] = shown.map((m) => ({
    xAxis: m.at,
    name: shortLabel(m.label),
    markerId: m.id,
    filter: { from: m.at, to: bucketEnd(m.at, 'day') },
    tip: [
      m.label,
      timeText(m.at, options.zone, t),
      ...(m.sides && m.sides.length > 0 ? [t('markerSides', { sides: m.sides.join(', ') })] : []),
      ...(m.description ? [m.description] : []),
    ],
  }));
  return {
    id: MARKER_SERIES_ID,
    name: t('seriesMarkers'),
    type: 'line' as const,
    data: [] as never[],
    silent: false,
    tooltip: { trigger: 'item' as const },
    markLine: {
      symbol: ['none', 'none'],
      animation: false,
      silent: false,
      lineStyle: { color: MARKER_COLOR, type: 'dashed' as const, width: 1.5 },
      label: { show: true, formatter: '{b}', position: 'insideEndTop' as const, color: MARKER_COLOR, fontSize: 11 },
      emphasis: { lineStyle: { width: 2.5 } },
      data,
    },
  };
}

/** The marker overlay of a bucketed time chart: markers from the first bucket to the end of the last. */
export function markerSeriesOverBuckets(
  markers: readonly ChartMarker[] | undefined,
  zone: ZoneMode,
  buckets: readonly { start: string }[],
  interval: Parameters<typeof bucketEnd>[1],
  t?: ChartTranslate,
) {
  const first = buckets[0];
  const last = buckets.at(-1);
  return first && last
    ? markerSeries(markers, { zone, from: first.start, to: bucketEnd(last.start, interval), ...(t && { t }) })
    : null;
}
