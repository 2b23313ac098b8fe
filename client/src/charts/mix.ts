/** Shares of a field (platform, language, source, kind): horizontal bars, each bar a filter. */
import type { TermsResponse } from '../api/types.js';
import { exactNumber, sharePercent } from './format.js';
import { categoryColor, humanize, sideColor } from './palette.js';
import { englishChartText, type ChartMessageKey } from './labels.js';
import type { ChartOption, MarkData, TextOptions } from './types.js';

export interface MixOptions extends TextOptions {
  /** Display names for keys (e.g. source ids to names); keys are shown as they are otherwise. */
  labels?: Record<string, string>;
  baseFilter?: Record<string, string>;
}

const FIELD_KEYS = {
  field_side: true,
  field_platform: true,
  field_lang: true,
  field_source: true,
  field_kind: true,
  field_frame: true,
};

export function buildMixOption(terms: TermsResponse, options: MixOptions = {}): ChartOption {
  // The API's field name is the search filter's name too, except that it is singular in both.
  const t = options.t ?? englishChartText;
  const field = terms.field;
  const fieldKey = `field_${field}` as ChartMessageKey;
  const fieldName = fieldKey in FIELD_KEYS ? t(fieldKey) : humanize(field);
  const label = (key: string) => options.labels?.[key] ?? (field === 'frame' ? humanize(key) : key);
  const buckets = [...terms.buckets].reverse();
  const data = buckets.map((bucket): MarkData => ({
    value: bucket.count,
    name: label(bucket.key),
    filter: { ...options.baseFilter, [field]: bucket.key },
    itemStyle: { color: field === 'side' ? sideColor(bucket.key) : categoryColor(bucket.key) },
    tip: [
      t('fieldValue', { field: fieldName, value: label(bucket.key) }),
      t('mixShare', {
        count: exactNumber(bucket.count),
        share: terms.total > 0 ? sharePercent(bucket.count / terms.total) : '0.0%',
        total: exactNumber(terms.total),
      }),
    ],
  }));
  return {
    backgroundColor: 'transparent',
    animation: false,
    aria: { enabled: true },
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: buckets.map((b) => label(b.key)), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      {
        id: field,
        name: fieldName.charAt(0).toUpperCase() + fieldName.slice(1),
        type: 'bar',
        data,
        label: { show: true, position: 'right', formatter: (p: { value?: unknown }) => exactNumber(Number(p.value ?? 0)) },
      },
    ],
  };
}
