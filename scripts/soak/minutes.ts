/** Per-minute accounting of a soak run, the printed lines and the end-of-run verdict. */
import { percentile } from '../bench/measure.js';
import { fmt } from '../bench/table.js';
import type { ServerSample } from './server.js';

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface MinuteReport {
  minute: number;
  itemsSent: number;
  ingestAck: Percentiles;
  /** From sending the POST to the event at each probe client. */
  liveDelivery: Percentiles;
  /** (item, probe) pairs never delivered (nor counted in a coalesced batch). */
  liveMissing: number;
  coalesced: number;
  queries: Percentiles;
  queriesByName: Record<string, Percentiles>;
  errors: { ingest: number; query: number; firstMessage?: string };
  server: ServerSample | undefined;
  disconnects: number;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

interface Minute {
  sent: Map<string, { sentAt: number; arrivals: number }>;
  acks: number[];
  delivery: number[];
  queries: Map<string, number[]>;
  errors: { ingest: number; query: number; firstMessage?: string };
  coalesced: number;
}

export class MinuteStats {
  private readonly minutes = new Map<number, Minute>();
  /** Which minute an item was sent in, until its minute is reported. */
  private readonly itemMinute = new Map<string, number>();

  constructor(private readonly probes: number) {}

  private at(minute: number): Minute {
    let m = this.minutes.get(minute);
    if (!m) {
      m = { sent: new Map(), acks: [], delivery: [], queries: new Map(), errors: { ingest: 0, query: 0 }, coalesced: 0 };
      this.minutes.set(minute, m);
    }
    return m;
  }

  sent(minute: number, externalId: string, sentAt: number): void {
    this.at(minute).sent.set(externalId, { sentAt, arrivals: 0 });
    this.itemMinute.set(externalId, minute);
  }

  acked(minute: number, ms: number): void {
    this.at(minute).acks.push(ms);
  }

  arrived(externalId: string, at: number): void {
    const minute = this.itemMinute.get(externalId);
    if (minute === undefined) return; // a preloaded item, or one of a minute already reported
    const m = this.at(minute);
    const item = m.sent.get(externalId);
    if (!item) return;
    item.arrivals++;
    m.delivery.push(at - item.sentAt);
  }

  /** Items a probe was told it missed (it fell behind); counted in the minute they were announced. */
  coalesced(minute: number, omitted: number): void {
    if (omitted > 0) this.at(minute).coalesced += omitted;
  }

  queried(minute: number, name: string, ms: number): void {
    const m = this.at(minute);
    const list = m.queries.get(name) ?? [];
    list.push(ms);
    m.queries.set(name, list);
  }

  failed(minute: number, kind: 'ingest' | 'query', error: unknown): void {
    const m = this.at(minute);
    m.errors[kind]++;
    m.errors.firstMessage ??= error instanceof Error ? error.message : String(error);
  }

  /** The minute's figures; its items are forgotten (late deliveries are no longer counted). */
  report(minute: number, server: ServerSample | undefined, disconnects: number): MinuteReport {
    const m = this.at(minute);
    let missing = 0;
    for (const [id, item] of m.sent) {
      missing += Math.max(0, this.probes - item.arrivals);
      this.itemMinute.delete(id);
    }
    const queriesByName: Record<string, Percentiles> = {};
    for (const [name, samples] of m.queries) queriesByName[name] = percentiles(samples);
    const report: MinuteReport = {
      minute: minute + 1,
      itemsSent: m.sent.size,
      ingestAck: percentiles(m.acks),
      liveDelivery: percentiles(m.delivery),
      liveMissing: Math.max(0, missing - m.coalesced),
      coalesced: m.coalesced,
      queries: percentiles([...m.queries.values()].flat()),
      queriesByName,
      errors: m.errors,
      server,
      disconnects,
    };
    this.minutes.delete(minute);
    return report;
  }

  static header(): string {
    return [
      'min',
      'items'.padStart(6),
      'ingest ack p50/p95/p99 ms'.padStart(26),
      'live p50/p95/p99 ms'.padStart(22),
      'missing'.padStart(7),
      'queries p50/p95/p99 ms (n)'.padStart(29),
      'errors'.padStart(6),
      'RSS MB'.padStart(7),
      'loop p50/p99/max ms'.padStart(20),
      'sockets'.padStart(7),
    ].join('  ');
  }

  static line(r: MinuteReport): string {
    const three = (p: Percentiles) => (p.n === 0 ? '-' : `${fmt.ms(p.p50)} / ${fmt.ms(p.p95)} / ${fmt.ms(p.p99)}`);
    const s = r.server;
    return [
      String(r.minute).padStart(3),
      fmt.int(r.itemsSent).padStart(6),
      three(r.ingestAck).padStart(26),
      three(r.liveDelivery).padStart(22),
      fmt.int(r.liveMissing).padStart(7),
      `${three(r.queries)} (${r.queries.n})`.padStart(29),
      String(r.errors.ingest + r.errors.query).padStart(6),
      (s ? fmt.int(s.rssMb) : '?').padStart(7),
      (s ? `${fmt.ms(s.loop.p50)} / ${fmt.ms(s.loop.p99)} / ${fmt.ms(s.loop.max)}` : '?').padStart(20),
      (s ? String(s.liveClients) : '?').padStart(7),
    ].join('  ');
  }
}

export interface RunSummary {
  lines: string[];
  figures: {
    rssAfterWarmupMb: number | null;
    rssEndMb: number | null;
    rssPeakMb: number | null;
    rssGrowth: number | null;
    rssVerdict: 'PASS' | 'FAIL' | 'not judged';
    afterWarmup: { ingestAck: Percentiles; liveDelivery: Percentiles; queries: Record<string, Percentiles> } | null;
    errors: number;
    liveMissing: number;
  };
}

/** Whole-run figures after the warm-up, and the RSS verdict: grown less than `limit` since the warm-up ended. */
export function summarizeRun(minutes: MinuteReport[], warmupMinutes: number, limit: number): RunSummary {
  const lines: string[] = [];
  const base =
    minutes.find((m) => m.minute === warmupMinutes)?.server?.rssMb ??
    (warmupMinutes === 0 ? minutes[0]?.server?.rssMb : undefined);
  const last = minutes.at(-1);
  const end = last && last.minute > warmupMinutes ? last.server?.rssMb : undefined;
  const peaks = minutes.map((m) => m.server?.peakRssMb ?? m.server?.rssMb ?? 0);
  const peak = peaks.length > 0 ? Math.max(...peaks) : null;
  const growth = base !== undefined && end !== undefined ? (end - base) / base : null;
  const verdict = growth === null ? 'not judged' : growth < limit ? 'PASS' : 'FAIL';
  const after = minutes.filter((m) => m.minute > warmupMinutes);
  const errors = minutes.reduce((sum, m) => sum + m.errors.ingest + m.errors.query, 0);
  const liveMissing = minutes.reduce((sum, m) => sum + m.liveMissing, 0);
  let afterWarmup: RunSummary['figures']['afterWarmup'] = null;
  if (after.length > 0) {
    // A plain summary of the minutes, said as such when printed: the median minute's p50 and p95,
    // and the worst minute's p99.
    const combine = (pick: (m: MinuteReport) => Percentiles): Percentiles => {
      const ps = after.map(pick).filter((p) => p.n > 0);
      const med = (key: 'p50' | 'p95' | 'p99') =>
        percentile(
          [...ps.map((p) => p[key])].sort((a, b) => a - b),
          50,
        );
      return { n: ps.reduce((s, p) => s + p.n, 0), p50: med('p50'), p95: med('p95'), p99: Math.max(...ps.map((p) => p.p99)) };
    };
    const names = [...new Set(after.flatMap((m) => Object.keys(m.queriesByName)))];
    afterWarmup = {
      ingestAck: combine((m) => m.ingestAck),
      liveDelivery: combine((m) => m.liveDelivery),
      queries: Object.fromEntries(
        names.map((name) => [name, combine((m) => m.queriesByName[name] ?? { n: 0, p50: 0, p95: 0, p99: 0 })]),
      ),
    };
    const show = (p: Percentiles) => `p50 ${fmt.ms(p.p50)} ms, p95 ${fmt.ms(p.p95)} ms, worst p99 ${fmt.ms(p.p99)} ms`;
    lines.push(
      `After warm-up (minutes ${warmupMinutes + 1}-${last?.minute ?? '?'}; median of the minutes' percentiles, worst minute's p99):`,
    );
    lines.push(`  ingest ack      ${show(afterWarmup.ingestAck)} (${fmt.int(afterWarmup.ingestAck.n)} requests)`);
    lines.push(`  live delivery   ${show(afterWarmup.liveDelivery)} (${fmt.int(afterWarmup.liveDelivery.n)} deliveries)`);
    for (const [name, p] of Object.entries(afterWarmup.queries))
      lines.push(`  ${`query ${name}`.padEnd(15)} ${show(p)} (${p.n})`);
  }
  lines.push(
    `Errors: ${errors}; live deliveries missing: ${fmt.int(liveMissing)}; sockets disconnected: ${last?.disconnects ?? 0}`,
  );
  const firstError = minutes.find((m) => m.errors.firstMessage)?.errors.firstMessage;
  if (firstError) lines.push(`  first error: ${firstError}`);
  lines.push(
    growth === null
      ? `RSS growth after warm-up: not judged (the run needs more than ${warmupMinutes} minute(s) of warm-up plus one)`
      : `RSS growth after warm-up: ${fmt.int(base ?? 0)} MB at minute ${warmupMinutes} -> ${fmt.int(end ?? 0)} MB at minute ${last?.minute} ` +
          `(${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%, peak ${fmt.int(peak ?? 0)} MB): ` +
          `${verdict === 'PASS' ? 'PASS' : '** FAIL **'} (target < ${(limit * 100).toFixed(0)}%)`,
  );
  return {
    lines,
    figures: {
      rssAfterWarmupMb: base ?? null,
      rssEndMb: end ?? null,
      rssPeakMb: peak,
      rssGrowth: growth,
      rssVerdict: verdict,
      afterWarmup,
      errors,
      liveMissing,
    },
  };
}
