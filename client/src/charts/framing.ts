/** The side x frame matrix: colour is the frame's share of the side's items, label the share, tooltip the counts. */
import type { FramingResponse } from '../api/types.js';
import { exactNumber, sharePercent } from './format.js';
import { humanize, orderSides } from './palette.js';
import { englishChartText } from './labels.js';
import type { ChartOption, MarkData, TextOptions } from './types.js';

export interface FramingOptions extends TextOptions {
  baseFilter?: Record<string, string>;
}

export function buildFramingHeatmapOption(framing: FramingResponse, options: FramingOptions = {}): ChartOption {
  const t = options.t ?? englishChartText;
  const sides = orderSides(framing.sides.map((s) => s.side));
  const frames = [...framing.frames];
  const sideItems = new Map(framing.sides.map((s) => [s.side, s.items]));
  const data: MarkData<[number, number, number]>[] = [];
  let maxShare = 0;
  for (const cell of framing.cells) {
    const x = frames.indexOf(cell.frame);
    const y = sides.indexOf(cell.side);
    if (x === -1 || y === -1) continue;
    maxShare = Math.max(maxShare, cell.share);
    data.push({
      value: [x, y, Number(cell.share.toFixed(4))],
      filter: { ...options.baseFilter, side: cell.side, frame: cell.frame },
      tip: [
        `${cell.side} × ${humanize(cell.frame)}`,
        t('framingCell', {
          count: exactNumber(cell.count),
          total: exactNumber(sideItems.get(cell.side) ?? 0),
          side: cell.side,
          share: sharePercent(cell.share),
        }),
      ],
    });
  }
  return {
    backgroundColor: 'transparent',
    animation: false,
    aria: { enabled: true },
    grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'category', data: frames.map(humanize), splitArea: { show: true }, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'category', data: sides, splitArea: { show: true }, inverse: true },
    visualMap: {
      min: 0,
      max: Math.max(maxShare, 0.01),
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      text: [sharePercent(Math.max(maxShare, 0.01)), '0%'],
      formatter: (value: unknown) => sharePercent(Number(value)),
      inRange: { color: ['#f1f5fb', '#9ecae1', '#3182bd', '#08306b'] },
    },
    series: [
      {
        id: 'framing',
        name: t('seriesShare'),
        type: 'heatmap',
        data,
        label: {
          show: true,
          formatter: (p: { value?: unknown }) => sharePercent(Number((p.value as number[] | undefined)?.[2] ?? 0)),
        },
        emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
      },
    ],
  };
}
