/** Alerts: rules (CRUD, mute, dry run), the alerts they fired (list, acknowledge, resolve) and delivery logs. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { READ, WRITE } from '../auth/policy.js';
import { actionContext } from '../plugins/security.js';
import { RuleInput, RulePatch, RuleView, ruleView } from '../alerts/rules.js';
import { ErrorResponse } from '../schemas/http.js';
import { ALERT_STATUSES, RULE_TYPES, SEVERITIES } from '../store/alerts/port.js';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const Numbers = Type.Record(Type.String(), Type.Number());
const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

const AlertView = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  ruleName: Type.String(),
  ruleType: literals(RULE_TYPES),
  key: Type.String(),
  severity: literals(SEVERITIES),
  level: Type.Integer(),
  status: literals(ALERT_STATUSES),
  summary: Type.String(),
  link: Type.String(),
  releaseId: Nullable(Type.String()),
  itemIds: Type.Array(Type.String()),
  metrics: Numbers,
  thresholds: Numbers,
  digest: Type.Boolean(),
  digestId: Nullable(Type.String()),
  firedAt: Instant,
  updatedAt: Instant,
  escalatedAt: Nullable(Instant),
  acknowledgedAt: Nullable(Instant),
  acknowledgedBy: Nullable(Type.String()),
  resolvedAt: Nullable(Instant),
  resolvedBy: Nullable(Type.String()),
});

const DeliveryView = Type.Object({
  id: Type.String(),
  alertId: Type.String(),
  ruleId: Type.String(),
  channel: literals(['webhook', 'email'] as const),
  target: Type.String(),
  event: literals(['fired', 'escalated'] as const),
  status: literals(['pending', 'delivered', 'failed'] as const),
  attempts: Type.Array(
    Type.Object({
      at: Instant,
      ok: Type.Boolean(),
      durationMs: Type.Number(),
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      error: Nullable(Type.String()),
    }),
  ),
  createdAt: Instant,
  updatedAt: Instant,
});

const DryRunView = Type.Object({
  from: Instant,
  to: Instant,
  notifications: Type.Integer(),
  digests: Type.Integer(),
  alerts: Type.Array(
    Type.Object({
      key: Type.String(),
      at: Instant,
      level: Type.Integer(),
      summary: Type.String(),
      link: Type.String(),
      releaseId: Nullable(Type.String()),
      itemIds: Type.Array(Type.String()),
      metrics: Numbers,
      thresholds: Numbers,
      outcome: literals(['notify', 'held'] as const),
    }),
  ),
});

const errors = { 400: ErrorResponse, 404: ErrorResponse };
const tags = ['alerts'];

export const alertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/alerts/rules',
    {
      config: { auth: READ },
      schema: { tags, summary: 'Alert rules', response: { 200: Type.Object({ rules: Type.Array(RuleView) }) } },
    },
    async () => ({ rules: (await app.store.alerts.listRules()).map(ruleView) }),
  );

  app.post(
    '/alerts/rules',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Add a rule; the answer carries the webhook signing secret, shown this once',
        body: RuleInput,
        response: { 201: Type.Composite([RuleView, Type.Object({ webhookSecret: Type.String() })]), 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const rule = await app.alerts.createRule(request.body, actionContext(request));
      return reply.code(201).send({ ...ruleView(rule), webhookSecret: rule.webhookSecret });
    },
  );

  app.post(
    '/alerts/rules/dry-run',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'What an unsaved rule would have fired over the last 7 days',
        body: RuleInput,
        response: { 200: DryRunView, ...errors },
      },
    },
    async (request) => app.alerts.dryRunInput(request.body),
  );

  app.get(
    '/alerts/rules/:id',
    { config: { auth: READ }, schema: { tags, params: Params, response: { 200: RuleView, 404: ErrorResponse } } },
    async (request) => ruleView(await app.alerts.getRule(request.params.id)),
  );

  app.patch(
    '/alerts/rules/:id',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Change a rule (params replace the previous params)',
        params: Params,
        body: RulePatch,
        response: { 200: RuleView, ...errors },
      },
    },
    async (request) => ruleView(await app.alerts.updateRule(request.params.id, request.body, actionContext(request))),
  );

  app.delete(
    '/alerts/rules/:id',
    { config: { auth: WRITE }, schema: { tags, params: Params, response: { 204: Type.Null(), 404: ErrorResponse } } },
    async (request, reply) => {
      await app.alerts.deleteRule(request.params.id, actionContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/alerts/rules/:id/mute',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Mute a rule for a number of minutes (0 unmutes)',
        params: Params,
        body: Type.Object({ minutes: Type.Integer({ minimum: 0, maximum: 90 * 24 * 60 }) }, { additionalProperties: false }),
        response: { 200: RuleView, ...errors },
      },
    },
    async (request) => ruleView(await app.alerts.muteRule(request.params.id, request.body.minutes, actionContext(request))),
  );

  app.post(
    '/alerts/rules/:id/dry-run',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'What the rule would have fired over the last 7 days',
        params: Params,
        response: { 200: DryRunView, ...errors },
      },
    },
    async (request) => app.alerts.dryRunRule(request.params.id),
  );

  app.get(
    '/alerts',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'Alerts, most recently changed first',
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 500 })),
            ruleId: Type.Optional(Type.String({ maxLength: 100 })),
            status: Type.Optional(literals(ALERT_STATUSES)),
            severity: Type.Optional(literals(SEVERITIES)),
            releaseId: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ total: Type.Integer(), alerts: Type.Array(AlertView), nextCursor: Nullable(Type.String()) }),
          400: ErrorResponse,
        },
      },
    },
    async (request) => app.alerts.listAlerts(request.query),
  );

  app.get(
    '/alerts/:id',
    { config: { auth: READ }, schema: { tags, params: Params, response: { 200: AlertView, 404: ErrorResponse } } },
    async (request) => app.alerts.getAlert(request.params.id),
  );

  app.post(
    '/alerts/:id/acknowledge',
    { config: { auth: WRITE }, schema: { tags, params: Params, response: { 200: AlertView, ...errors } } },
    async (request) => app.alerts.acknowledge(request.params.id, actionContext(request)),
  );

  app.post(
    '/alerts/:id/resolve',
    { config: { auth: WRITE }, schema: { tags, params: Params, response: { 200: AlertView, ...errors } } },
    async (request) => app.alerts.resolve(request.params.id, actionContext(request)),
  );

  app.get(
    '/alerts/:id/deliveries',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'The delivery log of an alert: each target and attempt',
        params: Params,
        response: { 200: Type.Object({ deliveries: Type.Array(DeliveryView) }), 404: ErrorResponse },
      },
    },
    async (request) => ({ deliveries: await app.alerts.listDeliveries(request.params.id) }),
  );
};
