/**
 * The alert repository on Elasticsearch: rules, alerts and deliveries, one index each behind an
 * alias created by the store's init(). Documents keep the whole record unindexed (`doc`) beside the
 * few fields lists filter and sort on. Reads by id are real-time GETs; writes that change a list
 * wait for a refresh, so a list read after a write sees it (as on SQLite).
 */
import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor } from '../shared.js';
import type { Alert, AlertDelivery, AlertPage, AlertQuery, AlertRepository, AlertRule } from './port.js';

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

const keyword = { type: 'keyword' } as const;
const date = { type: 'date', format: 'strict_date_optional_time' } as const;
const stored = { type: 'object', enabled: false } as const;

const RULE_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: { id: keyword, createdAt: date, doc: stored },
};
const ALERT_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: keyword,
    ruleId: keyword,
    status: keyword,
    severity: keyword,
    releaseId: keyword,
    updatedAt: date,
    doc: stored,
  },
};
const DELIVERY_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: { id: keyword, alertId: keyword, createdAt: date, doc: stored },
};

const isStatus = (error: unknown, status: number) => error instanceof errors.ResponseError && error.statusCode === status;

export class ElasticsearchAlertRepository implements AlertRepository {
  private readonly rules: string;
  private readonly alerts: string;
  private readonly deliveries: string;

  constructor(
    private readonly client: Client,
    prefix: string,
    private readonly call: Call,
  ) {
    this.rules = `${prefix}-alert-rules`;
    this.alerts = `${prefix}-alerts`;
    this.deliveries = `${prefix}-alert-deliveries`;
  }

  /** Aliases and mappings the store's init() creates. */
  indices(): [string, estypes.MappingTypeMapping][] {
    return [
      [this.rules, RULE_MAPPINGS],
      [this.alerts, ALERT_MAPPINGS],
      [this.deliveries, DELIVERY_MAPPINGS],
    ];
  }

  async sync(): Promise<void> {
    await this.call(() => this.client.indices.refresh({ index: [this.rules, this.alerts, this.deliveries] }));
  }

  private async docs<T>(request: estypes.SearchRequest): Promise<T[]> {
    const r = await this.call(() => this.client.search<{ doc: T }>(request));
    return r.hits.hits.flatMap((h) => (h._source ? [h._source.doc] : []));
  }

  private async getDoc<T>(index: string, id: string): Promise<T | null> {
    const r = await this.call(() => this.client.get<{ doc: T }>({ index, id }, { ignore: [404] }));
    return r.found && r._source ? r._source.doc : null;
  }

  async listRules(): Promise<AlertRule[]> {
    return this.docs<AlertRule>({ index: this.rules, size: 10_000, sort: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  async getRule(id: string): Promise<AlertRule | null> {
    return this.getDoc<AlertRule>(this.rules, id);
  }

  async createRule(rule: AlertRule): Promise<void> {
    try {
      await this.call(() =>
        this.client.create({
          index: this.rules,
          id: rule.id,
          document: { id: rule.id, createdAt: rule.createdAt, doc: rule },
          refresh: 'wait_for',
        }),
      );
    } catch (error) {
      if (isStatus(error, 409)) throw new ConflictError(`alert rule "${rule.id}" already exists`);
      throw error;
    }
  }

  async updateRule(rule: AlertRule): Promise<void> {
    try {
      await this.call(() => this.client.update({ index: this.rules, id: rule.id, doc: { doc: rule }, refresh: 'wait_for' }));
    } catch (error) {
      if (isStatus(error, 404)) throw new NotFoundError('alert rule', rule.id);
      throw error;
    }
  }

  async deleteRule(id: string): Promise<void> {
    const r = await this.call(() => this.client.delete({ index: this.rules, id, refresh: 'wait_for' }, { ignore: [404] }));
    if (r.result === 'not_found') throw new NotFoundError('alert rule', id);
  }

  async getAlert(id: string): Promise<Alert | null> {
    return this.getDoc<Alert>(this.alerts, id);
  }

  async saveAlert(alert: Alert): Promise<void> {
    await this.call(() =>
      this.client.index({
        index: this.alerts,
        id: alert.id,
        document: {
          id: alert.id,
          ruleId: alert.ruleId,
          status: alert.status,
          severity: alert.severity,
          releaseId: alert.releaseId,
          updatedAt: alert.updatedAt,
          doc: alert,
        },
        refresh: 'wait_for',
      }),
    );
  }

  async listAlerts(query: AlertQuery): Promise<AlertPage> {
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (query.ruleId) filter.push({ term: { ruleId: query.ruleId } });
    if (query.status) filter.push({ term: { status: query.status } });
    if (query.severity) filter.push({ term: { severity: query.severity } });
    if (query.releaseId) filter.push({ term: { releaseId: query.releaseId } });
    const r = await this.call(() =>
      this.client.search<{ doc: Alert }>({
        index: this.alerts,
        query: { bool: { filter } },
        sort: [{ updatedAt: 'desc' }, { id: 'desc' }],
        size: query.limit + 1,
        track_total_hits: true,
        ...(query.cursor && { search_after: decodeCursor(query.cursor, 2) }),
      }),
    );
    const hits = r.hits.hits;
    const alerts = hits.slice(0, query.limit).flatMap((h) => (h._source ? [h._source.doc] : []));
    const last = hits[query.limit - 1];
    const total = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0);
    return {
      total,
      alerts,
      // search_after takes the sort values as Elasticsearch gave them (the date as epoch ms).
      nextCursor: hits.length > query.limit && last?.sort ? encodeCursor(last.sort as (string | number)[]) : null,
    };
  }

  async saveDelivery(delivery: AlertDelivery): Promise<void> {
    await this.call(() =>
      this.client.index({
        index: this.deliveries,
        id: delivery.id,
        document: { id: delivery.id, alertId: delivery.alertId, createdAt: delivery.createdAt, doc: delivery },
        refresh: 'wait_for',
      }),
    );
  }

  async listDeliveries(alertId: string): Promise<AlertDelivery[]> {
    return this.docs<AlertDelivery>({
      index: this.deliveries,
      query: { term: { alertId } },
      size: 1000,
      sort: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }
}
