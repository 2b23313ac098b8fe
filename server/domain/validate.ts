/**
 * Per-item validation for ingest: each item of a batch is checked on its own so that one bad item
 * never stops its valid neighbours, and every error names the item and the field.
 */
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/u;

FormatRegistry.Set('date-time', (v) => ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v)));
FormatRegistry.Set('uri', (v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
});

export interface FieldError {
  /** JSON pointer-like path inside the item, e.g. "publishedAt" or "frames/0/frameId". */
  field: string;
  message: string;
}

function describe(type: ValueErrorType, message: string, schema: TSchema): string {
  switch (type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return 'unknown field';
    case ValueErrorType.ObjectRequiredProperty:
      return 'required field is missing';
    case ValueErrorType.StringFormat:
      return schema.format === 'date-time'
        ? 'expected an ISO-8601 date-time with a zone, e.g. 2026-01-21T08:30:00Z'
        : schema.format === 'uri'
          ? 'expected an absolute http(s) URL'
          : message;
    case ValueErrorType.Union:
      return Array.isArray(schema.anyOf) && schema.anyOf.every((s: TSchema) => 'const' in s)
        ? `expected one of ${schema.anyOf.map((s: TSchema) => String(s.const)).join(', ')}`
        : message;
    default:
      return message.charAt(0).toLowerCase() + message.slice(1);
  }
}

export function createChecker<T extends TSchema>(schema: T) {
  const compiled = TypeCompiler.Compile(schema);
  return (value: unknown): FieldError[] => {
    if (compiled.Check(value)) return [];
    const seen = new Set<string>();
    const errors: FieldError[] = [];
    for (const e of compiled.Errors(value)) {
      const field = e.path.replace(/^\//u, '') || '(item)';
      // One message per field: unions report every branch otherwise.
      if (seen.has(field)) continue;
      seen.add(field);
      errors.push({ field, message: describe(e.type, e.message, e.schema) });
      if (errors.length >= 10) break;
    }
    return errors;
  };
}
