/** The chart builders' words through vue-i18n, so charts follow the interface language. */
import { useI18n } from 'vue-i18n';
import type { ChartTranslate } from '../charts/labels.js';

export function useChartText(): ChartTranslate {
  const { t } = useI18n();
  return (key, values = {}) => t(`charts.${key}`, values);
}
