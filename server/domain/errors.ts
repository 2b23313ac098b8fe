/**
 * Typed errors. Every HTTP error and socket acknowledgement uses one shape:
 * { error: { code, message, statusCode } }. 5xx messages are not shown to clients.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super('validation_failed', 400, field ? `${field}: ${message}` : message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('not_found', 404, `${what} "${id}" does not exist`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super('conflict', 409, message);
  }
}

/** The store cannot be reached; callers answer 503 with Retry-After. */
export class StoreUnavailableError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSec = 5,
  ) {
    super('store_unavailable', 503, message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; statusCode: number };
}

export function errorBody(code: string, message: string, statusCode: number): ErrorBody {
  return { error: { code, message, statusCode } };
}
