/**
 * Charts of a briefing, drawn on the server to SVG with ECharts server-side rendering from the
 * dashboard's own option builders (client/src/charts), so a briefing shows what the dashboard shows.
 */
import * as echarts from 'echarts';
import {
  buildFramingHeatmapOption,
  buildSpreadCurveOption,
  buildTimelineOption,
  type ChartOption,
} from '../../client/src/charts/index.js';
import type { BriefingData, BriefingRelease } from './types.js';

export interface BriefingChart {
  /** File name in the Markdown zip, and the figure's id in HTML. */
  name: string;
  title: string;
  svg: string;
  width: number;
  height: number;
}

/** One family for every chart label, so the PDF maps it onto its embedded font. */
const FONT_FAMILY = 'Noto Sans, sans-serif';

function renderSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, textStyle: { fontFamily: FONT_FAMILY } });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function spreadChart(release: BriefingRelease, index: number): BriefingChart {
  const option = buildSpreadCurveOption({ ...release.spread, original: null }, { zone: 'UTC' });
  return {
    name: `release-${index + 1}-spread.svg`,
    title: `Spread of release ${index + 1}: cumulative pickups and views, first pickup per side`,
    svg: renderSvg(option, 720, 300),
    width: 720,
    height: 300,
  };
}

/** Every chart of a briefing, in the order the formats show them. */
export function briefingCharts(data: BriefingData): {
  activity: BriefingChart;
  framing: BriefingChart;
  releases: BriefingChart[];
} {
  const activity = buildTimelineOption({ ...data.timeline, timeZone: 'UTC' }, { zone: 'UTC' });
  // The dashboard zooms with the mouse wheel; a printed chart has nothing to zoom.
  delete activity.dataZoom;
  const framingHeight = 120 + 34 * Math.max(1, data.framing.current.sides.length);
  return {
    activity: {
      name: 'activity.svg',
      title: 'Items per day by side (UTC days)',
      svg: renderSvg(activity, 720, 300),
      width: 720,
      height: 300,
    },
    framing: {
      name: 'framing.svg',
      title: 'Side × frame: share of each side’s items',
      svg: renderSvg(buildFramingHeatmapOption(data.framing.current), 720, framingHeight),
      width: 720,
      height: framingHeight,
    },
    releases: data.releases.map(spreadChart),
  };
}
