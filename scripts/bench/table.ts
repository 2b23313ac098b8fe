/** The one summary table printed at the end of a run. */

export type Verdict = 'PASS' | 'FAIL' | 'info';

export interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  verdict: Verdict;
}

const HEADERS: Row = {
  figure: 'figure',
  value: 'value',
  baseline: 'baseline',
  ratio: 'ratio',
  target: 'target',
  verdict: 'info',
};
const COLUMNS = ['figure', 'value', 'baseline', 'ratio', 'target', 'verdict'] as const;

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)),
  // Three decimals below 10x, so a ratio of 0.596 is not shown as a failing "0.60x".
  ratio: (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 3 : 1)}x` : '-'),
};

export function renderTable(rows: Row[]): string {
  const cell = (row: Row, column: (typeof COLUMNS)[number]) =>
    row === HEADERS && column === 'verdict'
      ? 'result'
      : column === 'verdict' && row.verdict === 'FAIL'
        ? '** FAIL **'
        : row[column];
  const all = [HEADERS, ...rows];
  const widths = COLUMNS.map((c) => Math.max(...all.map((r) => cell(r, c).length)));
  const line = (row: Row) =>
    COLUMNS.map((c, i) => cell(row, c).padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(HEADERS), rule, ...rows.map(line)].join('\n');
}
