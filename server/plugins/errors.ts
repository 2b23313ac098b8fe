/**
 * One error shape for every route: { error: { code, message, statusCode } }. Validation and parse
 * errors say what was wrong and where; 5xx details stay in the log.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, StoreUnavailableError, errorBody } from '../domain/errors.js';

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, 'store unavailable');
      return reply
        .code(503)
        .header('retry-after', String(error.retryAfterSec))
        .send(errorBody(error.code, error.message, 503));
    }
    if (error instanceof AppError) {
      if (error.statusCode >= 500) {
        request.log.error({ err: error }, 'request failed');
        return reply.code(error.statusCode).send(errorBody(error.code, 'internal error; see the server log', error.statusCode));
      }
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.statusCode));
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const where = fe.validationContext ?? 'request';
      const details = fe.validation
        .slice(0, 5)
        .map((v) => {
          const missing = (v.params as { missingProperty?: string }).missingProperty;
          const extra = (v.params as { additionalProperty?: string }).additionalProperty;
          const path = `${where}${v.instancePath || ''}${missing ? `/${missing}` : ''}${extra ? `/${extra}` : ''}`;
          return extra ? `${path}: unknown field` : `${path}: ${v.message ?? 'invalid'}`;
        })
        .join('; ');
      return reply.code(400).send(errorBody('validation_failed', details, 400));
    }
    const status = fe.statusCode ?? 500;
    if (status < 500) {
      const code = (fe.code && FASTIFY_CODES[fe.code]) ?? 'bad_request';
      return reply.code(status).send(errorBody(code, fe.message, status));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('internal', 'internal error; see the server log', 500));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`, 404)),
  );
}
