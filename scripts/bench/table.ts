/** The one summary table printed at the end of a run. */

export type Verdict = 'PASS' | 'FAIL' | 'info';

export interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  /** How the figure changed from the smallest corpus to this row's (store figures at several sizes only). */
  growth?: string;
  target: string;
  verdict: Verdict;
  /** The row's numbers, kept in the JSON report so two runs can be compared (--compare). */
  measures?: Record<string, number>;
}

const HEADERS: Required<Omit<Row, 'measures'>> = {
  figure: 'figure',
  value: 'value',
  baseline: 'baseline',
  ratio: 'ratio',
  growth: 'growth',
  target: 'target',
  verdict: 'info',
};
const COLUMNS = ['figure', 'value', 'baseline', 'ratio', 'growth', 'target', 'verdict'] as const;

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)),
  // Three decimals below 10x, so a ratio of 0.596 is not shown as a failing "0.60x".
  ratio: (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 3 : 1)}x` : '-'),
  /** A corpus size as people say it: 200k, 1M, 1.5M. */
  size: (n: number) =>
    n >= 1_000_000 && n % 100_000 === 0
      ? `${n / 1_000_000}M`
      : n >= 1_000 && n % 1_000 === 0
        ? `${n / 1_000}k`
        : Math.round(n).toLocaleString('en-US'),
  /** A growth factor: "x2.3". */
  times: (n: number) => (Number.isFinite(n) ? `x${n.toFixed(n < 10 ? 2 : 1)}` : 'x-'),
};

export function renderTable(rows: Row[], headers: Row = HEADERS, columns: readonly (typeof COLUMNS)[number][] = COLUMNS): string {
  const cell = (row: Row, column: (typeof COLUMNS)[number]): string =>
    row === headers && column === 'verdict'
      ? 'result'
      : column === 'verdict' && row.verdict === 'FAIL'
        ? '** FAIL **'
        : (row[column] ?? '-');
  const all: Row[] = [headers, ...rows];
  const widths = columns.map((c) => Math.max(...all.map((r) => cell(r, c).length)));
  const line = (row: Row) =>
    columns
      .map((c, i) => cell(row, c).padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export interface SavedReport {
  name: string;
  startedAt?: string;
  rows?: Row[];
}

const number = (n: number | undefined) =>
  n === undefined || !Number.isFinite(n) ? '-' : Math.abs(n) >= 100 ? fmt.int(n) : n.toFixed(Math.abs(n) >= 10 ? 1 : 3);

/**
 * Two runs' figures side by side, matched by figure: every number of a row that both runs measured,
 * and B / A. On these shared machines the ratios against the same run's baseline are what compare;
 * a figure that moved with its baseline moved with the machine.
 */
export function compareReports(a: SavedReport, b: SavedReport): string {
  const bRows = new Map((b.rows ?? []).map((r) => [r.figure, r]));
  const rows: Row[] = [];
  const cell = (figure: string, measure: string, va: string, vb: string, change: string): Row => ({
    figure,
    value: measure,
    baseline: va,
    ratio: vb,
    growth: change,
    target: '',
    verdict: 'info',
  });
  for (const ra of a.rows ?? []) {
    const rb = bRows.get(ra.figure);
    if (!rb) continue;
    bRows.delete(ra.figure);
    const keys = Object.keys(ra.measures ?? {}).filter((k) => rb.measures?.[k] !== undefined);
    if (keys.length === 0) {
      rows.push(cell(ra.figure, 'value', ra.value, rb.value, '-'));
      continue;
    }
    keys.forEach((key, i) => {
      const va = ra.measures?.[key];
      const vb = rb.measures?.[key];
      rows.push(cell(i === 0 ? ra.figure : '', key, number(va), number(vb), va && vb !== undefined ? fmt.times(vb / va) : '-'));
    });
  }
  const onlyA = (a.rows ?? []).filter((r) => !(b.rows ?? []).some((x) => x.figure === r.figure)).length;
  const headers = cell('figure', 'measure', 'A', 'B', 'B / A');
  const table = renderTable(rows, headers, ['figure', 'value', 'baseline', 'ratio', 'growth']).split('\n');
  return [
    `A: ${a.name}${a.startedAt ? ` (${a.startedAt})` : ''}`,
    `B: ${b.name}${b.startedAt ? ` (${b.startedAt})` : ''}`,
    '',
    ...table,
    '',
    `${rows.filter((r) => r.figure !== '').length} figures in both; ${onlyA} only in A, ${bRows.size} only in B.`,
  ].join('\n');
}
