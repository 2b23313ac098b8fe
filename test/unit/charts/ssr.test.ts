/** Briefings render the dashboard's charts on the server: the same options draw to SVG in Node. */
import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import {
  buildFramingHeatmapOption,
  buildSpreadCurveOption,
  buildTimelineOption,
  SIDE_COLORS,
} from '../../../client/src/charts/index.js';
import { aFraming, aSpread, aTimeline } from './fixtures.js';

function renderSvg(option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 400 });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

describe('server-side rendering', () => {
  it('renders the stacked timeline to an SVG with bars in the side colours', () => {
    const svg = renderSvg(buildTimelineOption(aTimeline(), { zone: 'UTC' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('width="800"');
    for (const side of ['UA', 'RU', 'KP']) expect(svg).toContain(`fill="${SIDE_COLORS[side]}"`);
    expect(svg).toContain('>UTC<');
  });

  it('renders the heatmap with its share labels and the spread curve', () => {
    const heatmap = renderSvg(buildFramingHeatmapOption(aFraming()));
    expect(heatmap).toContain('60.0%');
    expect(heatmap).toContain('Exchange offer');
    const curve = renderSvg(buildSpreadCurveOption(aSpread(), { zone: 'UTC' }));
    expect(curve).toContain('Pickups (cumulative)');
    expect(curve).toContain(SIDE_COLORS.RU);
  });
});
