/**
 * The spool in front of the store: ingest appends validated batches here while the store is
 * unreachable (and while anything is still waiting, so order is kept), and a background replayer
 * writes them to the store in order, with backoff, committing each batch only after the store
 * acknowledged it. See spool.ts for the file format and its crash guarantees.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreUnavailableError } from '../domain/errors.js';
import type { ItemInput } from '../domain/schemas.js';
import type { EventBus } from '../events/bus.js';
import { fillSides, publishStored, type SpoolPort } from '../services/ingest.js';
import type { Store } from '../store/port.js';
import { Spool, SpoolFullError, type SpoolDepth } from './spool.js';

export interface IngestSpoolOptions {
  dir: string;
  maxBytes: number;
  segmentBytes?: number;
  /** First and longest wait between replay attempts while the store is down. */
  retryMinMs?: number;
  retryMaxMs?: number;
  log?: { info: (m: string) => void; warn: (m: string) => void; error: (m: string) => void };
}

/** Readiness fails once the spool is this full (or refused an append): the instance cannot take much more. */
const NEARLY_FULL = 0.9;

export interface SpoolStatus extends SpoolDepth {
  maxBytes: number;
  /** ISO instant since which the store has refused writes, or null once a replayed batch was stored. */
  storeDownSince: string | null;
  /** The store takes writes again and the spool is draining (items > 0). */
  replaying: boolean;
  full: boolean;
}

export class IngestSpool implements SpoolPort {
  readonly spool: Spool;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private downSince: Date | null = null;
  /** The last replay attempt was stored (the store takes writes again). */
  private storeTakesWrites = false;
  /** An append was refused for want of room, and nothing was replayed since. */
  private refused = false;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly store: Store,
    private readonly options: IngestSpoolOptions,
    private readonly bus?: EventBus,
  ) {
    this.spool = new Spool({
      dir: options.dir,
      maxBytes: options.maxBytes,
      ...(options.segmentBytes !== undefined && { segmentBytes: options.segmentBytes }),
    });
    this.retryMinMs = options.retryMinMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 5_000;
  }

  /** True while batches wait: new ones must queue behind them. */
  get active(): boolean {
    return !this.spool.empty;
  }

  status(): SpoolStatus {
    const depth = this.spool.depth();
    return {
      ...depth,
      maxBytes: this.spool.maxBytes,
      storeDownSince: this.downSince?.toISOString() ?? null,
      replaying: depth.items > 0 && this.storeTakesWrites,
      full: this.refused || depth.bytes >= this.spool.maxBytes * NEARLY_FULL,
    };
  }

  /** Appends a batch (fsync'd before this returns) and wakes the replayer; a full spool is a 503 with Retry-After. */
  append(items: ItemInput[], now: Date): void {
    // Into an empty spool only because the store refused the write; into a busy one, a batch may
    // just queue behind the others (order is kept) while the store is back and the spool drains.
    const storeRefused = !this.active;
    try {
      this.spool.append({ at: now.toISOString(), items });
    } catch (error) {
      if (error instanceof SpoolFullError) {
        this.refused = true;
        throw new StoreUnavailableError(
          `the store is unreachable and the ingest spool is full (${error.bytes} of ${error.maxBytes} bytes); nothing was accepted, retry later`,
          30,
        );
      }
      throw error;
    }
    if (storeRefused) {
      this.storeTakesWrites = false;
      this.downSince ??= now;
    }
    this.kick();
  }

  /** Starts the replayer (it replays what a previous run left at once). */
  start(): void {
    this.loop ??= this.run();
    if (this.active) this.options.log?.warn(`ingest spool holds ${this.spool.depth().items} item(s); replaying them`);
  }

  /**
   * Stops the replayer after the batch it is writing (or at the deadline), and flushes and closes
   * the spool. What is left stays on disk for the next start.
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    this.stopping = true;
    this.kick();
    if (this.loop) await Promise.race([this.loop, sleep(deadlineMs, undefined, { ref: false })]);
    this.spool.close();
  }

  private kick(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async idle(ms: number | null): Promise<void> {
    if (this.stopping) return;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (ms !== null) setTimeout(resolve, ms).unref();
    });
    this.wake = null;
  }

  private async run(): Promise<void> {
    let wait = this.retryMinMs;
    while (!this.stopping) {
      const record = this.spool.peek();
      if (!record) {
        this.downSince = null;
        await this.idle(null);
        continue;
      }
      try {
        const items = record.items.map((item) => ({ ...item }));
        await fillSides(this.store, items);
        const stored = await this.store.upsertItems(items, new Date(record.at));
        this.spool.commit(record);
        this.refused = false;
        this.storeTakesWrites = true;
        this.downSince = null;
        if (this.bus) publishStored(this.bus, stored);
        wait = this.retryMinMs;
        if (!this.active) this.options.log?.info('ingest spool replayed: every spooled item is stored');
      } catch (error) {
        if (error instanceof StoreUnavailableError) {
          this.storeTakesWrites = false;
          this.downSince ??= new Date();
          await this.idle(wait);
          wait = Math.min(wait * 2, this.retryMaxMs);
          continue;
        }
        // A batch the store refuses for good would block every later one: it is set aside, kept on disk.
        const file = join(this.options.dir, `rejected-${record.segment}-${record.position}-${Date.now()}.json`);
        writeFileSync(file, JSON.stringify({ at: record.at, items: record.items, error: String(error) }));
        this.options.log?.error(`ingest spool: the store refused a spooled batch (${String(error)}); kept in ${file}`);
        this.spool.commit(record);
      }
    }
  }
}
