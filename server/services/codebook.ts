/**
 * The framing codebook in force: the shipped default until an analyst saves a version. Saving a
 * version validates it, stores it through the store port, switches enrichment to it and re-tags
 * the stored items in a background job (application-side, through the port, so it works on both
 * backends) whose progress can be polled.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError } from '../domain/errors.js';
import type { Item } from '../domain/schemas.js';
import type { Store } from '../store/port.js';
import { toItemInput } from '../store/prepare.js';
import { CodebookError, defaultCodebook, parseCodebook, type Codebook } from '../../pipelines/codebook/index.js';
import { compileCodebook, explainFrames, tagFrames, type FrameExplanation } from '../../pipelines/enrich/frames.js';
import { detectLanguage } from '../../pipelines/enrich/language.js';
import type { Pipeline } from '../../pipelines/runner.js';

export interface CodebookInForce {
  version: string;
  origin: 'default' | 'stored';
  savedAt: string | null;
  savedBy: string | null;
  codebook: Codebook;
}

export interface RetagJob {
  id: string;
  version: string;
  state: 'running' | 'succeeded' | 'failed';
  /** Items looked at so far, of total. */
  processed: number;
  total: number;
  /** Items whose frames changed (and were rewritten). */
  changed: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

const PAGE = 500;
const KEPT_JOBS = 20;

const sameFrames = (a: Item['frames'], b: Item['frames']) => JSON.stringify(a) === JSON.stringify(b);

export class CodebookService {
  private current: CodebookInForce;
  private readonly jobs = new Map<string, RetagJob>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly pipeline: Pipeline,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const codebook = defaultCodebook();
    this.current = { version: codebook.version, origin: 'default', savedAt: null, savedBy: null, codebook };
  }

  /** Puts the newest stored version in force (call once at start). */
  async load(): Promise<CodebookInForce> {
    const [latest] = await this.store.listCodebooks(1);
    if (latest) {
      const codebook = parseCodebook(latest.codebook);
      this.current = { version: latest.version, origin: 'stored', savedAt: latest.savedAt, savedBy: latest.savedBy, codebook };
    }
    this.pipeline.useCodebook(this.current.codebook);
    return this.current;
  }

  inForce(): CodebookInForce {
    return this.current;
  }

  async history(limit = 50): Promise<{ version: string; savedAt: string; savedBy: string }[]> {
    return (await this.store.listCodebooks(limit)).map(({ version, savedAt, savedBy }) => ({ version, savedAt, savedBy }));
  }

  /** The "test box": what each frame matches in a text, and what exclusions vetoed. */
  explain(text: string, lang?: string): { lang: string; frames: FrameExplanation[] } {
    const language = lang ?? detectLanguage(text).lang;
    return { lang: language, frames: explainFrames(text, language, this.current.codebook) };
  }

  /**
   * Validates and stores a new version, puts it in force and starts re-tagging. Throws
   * ValidationError (with every issue) for a bad codebook, ConflictError for a reused version or
   * while a re-tag is still running.
   */
  async save(value: unknown, savedBy: string): Promise<{ inForce: CodebookInForce; job: RetagJob }> {
    let codebook: Codebook;
    try {
      codebook = parseCodebook(value);
    } catch (error) {
      if (error instanceof CodebookError) throw new ValidationError(error.issues.join('; '), 'body');
      throw error;
    }
    if (this.running) throw new ConflictError('a re-tag of the stored items is still running; save again when it has finished');
    const savedAt = this.clock().toISOString();
    await this.store.saveCodebook({ version: codebook.version, codebook, savedAt, savedBy });
    this.current = { version: codebook.version, origin: 'stored', savedAt, savedBy, codebook };
    this.pipeline.useCodebook(codebook);
    const job: RetagJob = {
      id: randomUUID(),
      version: codebook.version,
      state: 'running',
      processed: 0,
      total: await this.store.countItems(),
      changed: 0,
      startedAt: savedAt,
      finishedAt: null,
      error: null,
    };
    this.remember(job);
    this.running = this.retag(job, codebook).finally(() => {
      this.running = null;
    });
    return { inForce: this.current, job: { ...job } };
  }

  job(id: string): RetagJob | null {
    const job = this.jobs.get(id);
    return job ? { ...job } : null;
  }

  /** Resolves when the running re-tag (if any) has finished; for tests and shutdown. */
  async idle(): Promise<void> {
    await this.running;
  }

  private remember(job: RetagJob): void {
    this.jobs.set(job.id, job);
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= KEPT_JOBS) break;
      this.jobs.delete(id);
    }
  }

  private async retag(job: RetagJob, codebook: Codebook): Promise<void> {
    const compiled = compileCodebook(codebook);
    try {
      let cursor: string | undefined;
      for (;;) {
        const page = await this.store.searchItems({ filter: {}, sort: 'time', limit: PAGE, ...(cursor && { cursor }) });
        // Search hits carry no raw payload; rewrite from the full items so nothing is lost.
        const items = await this.store.getItems(page.hits.map((h) => h.item.id));
        const changed = items.flatMap((item) => {
          const frames = tagFrames(item.title ? `${item.title}\n${item.text}` : item.text, item.lang, compiled);
          return sameFrames(frames, item.frames) ? [] : [{ ...toItemInput(item), frames }];
        });
        if (changed.length > 0) await this.store.upsertItems(changed, this.clock());
        job.processed += page.hits.length;
        job.changed += changed.length;
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      job.state = 'succeeded';
    } catch (error) {
      job.state = 'failed';
      job.error = error instanceof Error ? error.message : String(error);
    } finally {
      job.finishedAt = this.clock().toISOString();
    }
  }
}
