/**
 * Briefings: generate (gather the numbers at a cutoff and store them with their inputs), edit the
 * analysts' text while a draft, finalise (immutable from then on), revise (a new draft linked to
 * the previous one, regathered), and render to HTML, Markdown zip or PDF from the stored numbers.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { BriefingRecord, BriefingScope, Store } from '../store/port.js';
import { parseSearchQuery } from '../store/search-syntax.js';
import { briefingCharts } from './charts.js';
import { briefingBlocks } from './content.js';
import { gatherBriefing } from './gather.js';
import { renderHtml } from './html.js';
import { renderMarkdownZip } from './markdown.js';
import { renderPdf } from './pdf.js';
import { assertTimeZone, lastFullWeek, periodText, type Period } from './period.js';
import type { BriefingData } from './types.js';

export type BriefingFormat = 'html' | 'md.zip' | 'pdf';

export interface GenerateRequest {
  /** Both or neither; default: the last full week in the time zone. */
  from?: string;
  to?: string;
  timeZone?: string;
  scope?: BriefingScope;
  title?: string;
  trigger?: BriefingRecord['trigger'];
  /** When generation starts (the cutoff); the service's clock by default (the scheduler passes its tick). */
  now?: Date;
}

export interface BriefingEdit {
  summary?: string;
  /** Per release id; an empty note removes it. */
  releaseNotes?: Record<string, string>;
}

export interface BriefingOptions {
  timeZone: string;
  clock?: () => Date;
}

const MAX_PERIOD_DAYS = 93;

export class BriefingService {
  private readonly clock: () => Date;

  constructor(
    private readonly store: Store,
    private readonly options: BriefingOptions,
  ) {
    assertTimeZone(options.timeZone);
    this.clock = options.clock ?? (() => new Date());
  }

  get timeZone(): string {
    return this.options.timeZone;
  }

  private period(request: GenerateRequest, now: Date): Period {
    const timeZone = request.timeZone ?? this.options.timeZone;
    assertTimeZone(timeZone);
    if ((request.from === undefined) !== (request.to === undefined)) {
      throw new ValidationError('give both from and to, or neither (the last full week)', 'period');
    }
    if (request.from === undefined || request.to === undefined) return lastFullWeek(now, timeZone);
    const from = Date.parse(request.from);
    const to = Date.parse(request.to);
    if (Number.isNaN(from) || Number.isNaN(to)) throw new ValidationError('from and to must be ISO instants', 'period');
    if (to <= from) throw new ValidationError('to must be later than from', 'period');
    if (to - from > MAX_PERIOD_DAYS * 86_400_000) throw new ValidationError(`at most ${MAX_PERIOD_DAYS} days`, 'period');
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), timeZone };
  }

  private scope(scope: BriefingScope | undefined): BriefingScope {
    const out: BriefingScope = {};
    if (scope?.query?.trim()) {
      parseSearchQuery(scope.query); // refuses a malformed query before anything is stored
      out.query = scope.query.trim();
    }
    if (scope?.sides?.length) out.sides = [...new Set(scope.sides)];
    if (scope?.sourceIds?.length) out.sourceIds = [...new Set(scope.sourceIds)];
    return out;
  }

  /** Gathers and stores a new draft. The cutoff is the moment generation starts. */
  async generate(request: GenerateRequest, actor: string, revisionOf: string | null = null): Promise<BriefingRecord> {
    const started = request.now ?? this.clock();
    const asOf = started.toISOString();
    const period = this.period(request, started);
    const scope = this.scope(request.scope);
    const data = await gatherBriefing(this.store, { period, scope, asOf });
    const now = (request.now ?? this.clock()).toISOString();
    const record: BriefingRecord = {
      id: randomUUID(),
      status: 'draft',
      title: request.title?.trim() || `Weekly briefing ${periodText(period)}`,
      period,
      scope,
      asOf,
      trigger: request.trigger ?? 'manual',
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      finalisedAt: null,
      finalisedBy: null,
      revisionOf,
      revisedBy: null,
      summary: '',
      releaseNotes: {},
      data,
    };
    await this.store.createBriefing(record);
    return record;
  }

  async get(id: string): Promise<BriefingRecord> {
    const record = await this.store.getBriefing(id);
    if (!record) throw new NotFoundError('briefing', id);
    return record;
  }

  list(limit: number, offset: number) {
    return this.store.listBriefings({ limit, offset });
  }

  private async replace(next: BriefingRecord, previous: BriefingRecord): Promise<BriefingRecord> {
    if (!(await this.store.replaceBriefing(next, previous.updatedAt))) {
      throw new ConflictError(`briefing "${previous.id}" changed meanwhile; reload it and try again`);
    }
    return next;
  }

  private now(previous: BriefingRecord): string {
    // updatedAt is the concurrency token: it must change on every write, even within one millisecond.
    const now = this.clock().toISOString();
    return now > previous.updatedAt ? now : new Date(Date.parse(previous.updatedAt) + 1).toISOString();
  }

  private assertDraft(record: BriefingRecord): void {
    if (record.status === 'final') {
      throw new ConflictError(`briefing "${record.id}" is final and cannot change; revise it to make a new draft`);
    }
  }

  async edit(id: string, edit: BriefingEdit): Promise<BriefingRecord> {
    const current = await this.get(id);
    this.assertDraft(current);
    const data = current.data as BriefingData;
    const releaseIds = new Set(data.releases.map((r) => r.summary.id));
    const notes = { ...current.releaseNotes };
    for (const [releaseId, note] of Object.entries(edit.releaseNotes ?? {})) {
      if (!releaseIds.has(releaseId)) throw new ValidationError(`release "${releaseId}" is not in this briefing`, 'releaseNotes');
      if (note.trim()) notes[releaseId] = note;
      else delete notes[releaseId];
    }
    return this.replace(
      { ...current, summary: edit.summary ?? current.summary, releaseNotes: notes, updatedAt: this.now(current) },
      current,
    );
  }

  async finalise(id: string, actor: string): Promise<BriefingRecord> {
    const current = await this.get(id);
    this.assertDraft(current);
    const at = this.now(current);
    return this.replace({ ...current, status: 'final', finalisedAt: at, finalisedBy: actor, updatedAt: at }, current);
  }

  /** A new draft over the same period and scope, regathered now, carrying the analysts' text over. */
  async revise(id: string, actor: string): Promise<BriefingRecord> {
    const previous = await this.get(id);
    if (previous.status !== 'final') throw new ConflictError(`briefing "${id}" is still a draft; edit it instead`);
    if (previous.revisedBy) throw new ConflictError(`briefing "${id}" was revised already by "${previous.revisedBy}"`);
    const revision = await this.generate(
      {
        from: previous.period.from,
        to: previous.period.to,
        timeZone: previous.period.timeZone,
        scope: previous.scope,
        title: previous.title,
      },
      actor,
      previous.id,
    );
    const carried = await this.edit(revision.id, {
      summary: previous.summary,
      releaseNotes: this.carriedNotes(previous, revision),
    });
    await this.replace({ ...previous, revisedBy: revision.id, updatedAt: this.now(previous) }, previous);
    return carried;
  }

  private carriedNotes(previous: BriefingRecord, revision: BriefingRecord): Record<string, string> {
    const ids = new Set((revision.data as BriefingData).releases.map((r) => r.summary.id));
    return Object.fromEntries(Object.entries(previous.releaseNotes).filter(([releaseId]) => ids.has(releaseId)));
  }

  /** The last briefing's charts: downloads of its three formats in a row draw them once. */
  private chartCache: { key: string; charts: ReturnType<typeof briefingCharts> } | null = null;

  private charts(record: BriefingRecord): ReturnType<typeof briefingCharts> {
    // Charts depend on the numbers alone, which never change after generation.
    if (this.chartCache?.key !== record.id) {
      this.chartCache = { key: record.id, charts: briefingCharts(record.data as BriefingData) };
    }
    return this.chartCache.charts;
  }

  async render(record: BriefingRecord, format: BriefingFormat): Promise<Buffer> {
    const data = record.data as BriefingData;
    const charts = this.charts(record);
    const blocks = briefingBlocks(record, data, charts);
    if (format === 'html') return Buffer.from(renderHtml(record.title, blocks), 'utf8');
    if (format === 'md.zip')
      return renderMarkdownZip(blocks, [charts.activity, charts.framing, ...charts.releases], new Date(record.updatedAt));
    return renderPdf(record.title, blocks);
  }
}
