/**
 * The in-process event bus: domain events from ingest, pipelines and alerts to whoever listens
 * (live push, alert evaluation). Models and the store never emit; services do.
 */
import { EventEmitter } from 'node:events';
import type { Item } from '../domain/schemas.js';

export interface PipelineStatus {
  sourceId: string;
  runId: string;
  state: 'running' | 'succeeded' | 'failed' | 'skipped';
  startedAt: string;
  finishedAt?: string;
  /** Items seen and what storing them did. */
  counts?: { fetched: number; created: number; updated: number; unchanged: number; skipped: number };
  error?: string;
}

export interface DomainEvents {
  'item:new': { item: Omit<Item, 'raw'> };
  'item:updated': { item: Omit<Item, 'raw'> };
  'release:update': { releaseId: string; itemIds: string[] };
  'alert:fired': {
    alertId: string;
    ruleId: string;
    summary: string;
    /** Added by alerts (server/alerts): what the toast and alert centre show. */
    ruleName?: string;
    ruleType?: string;
    severity?: 'info' | 'warning' | 'critical';
    level?: number;
    /** Where the dashboard shows it, e.g. /releases/<id> or /search?... */
    link?: string;
    event?: 'fired' | 'escalated' | 'digest';
    firedAt?: string;
  };
  'pipeline:status': PipelineStatus;
}

export type DomainEventName = keyof DomainEvents;

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    // Listeners are subsystems (live push, alerts, metrics), not connections; a few dozen at most.
    this.emitter.setMaxListeners(100);
  }

  on<K extends DomainEventName>(name: K, handler: (payload: DomainEvents[K]) => void): () => void {
    const listener = (payload: DomainEvents[K]) => {
      try {
        handler(payload);
      } catch (error) {
        // A failing listener must not break the emitter's caller (ingest) or other listeners.
        this.emitter.emit('listener-error', { name, error });
      }
    };
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  onListenerError(handler: (info: { name: string; error: unknown }) => void): void {
    this.emitter.on('listener-error', handler);
  }
}
