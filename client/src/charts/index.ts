/**
 * Chart option builders: pure functions from API responses to ECharts options, with no DOM and no
 * Vue, so the dashboard and the server-side briefing renderer draw the same charts.
 */
export { buildTimelineOption, timelineKeys, type TimelineOptions } from './timeline.js';
export { buildMixOption, type MixOptions } from './mix.js';
export { buildSparklineOption, buildSpreadCurveOption } from './spread.js';
export { buildFramingHeatmapOption, type FramingOptions } from './framing.js';
export { buildEngagementOption, buildFrameTrendOption, type FrameTrendOptions } from './trends.js';
export {
  MARKER_SERIES_ID,
  markerSeries,
  markersInRange,
  type ChartMarker,
  type MarkerLineDatum,
  type MarkerOverlayOptions,
} from './markers.js';
export { SIDE_COLORS, SIDE_ORDER, categoryColor, humanize, orderSides, sideColor } from './palette.js';
export { bucketEnd, exactNumber, sharePercent, timeText } from './format.js';
export { englishChartText, type ChartMessageKey, type ChartMessageValues, type ChartTranslate } from './labels.js';
export {
  markFilter,
  type ChartOption,
  type TextOptions,
  type MarkData,
  type MarkFilter,
  type TimeOptions,
  type ZoneMode,
} from './types.js';
