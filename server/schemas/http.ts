/** HTTP-level schemas shared by routes: filters in the query string, the error shape. */
import { Type, type Static } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      statusCode: Type.Integer(),
    }),
  },
  { $id: 'ErrorResponse', description: 'The one error shape of every route' },
);

const list = (description: string) =>
  Type.Optional(Type.String({ maxLength: 2000, description: `${description} (comma-separated)` }));
const instant = (description: string) =>
  Type.Optional(Type.String({ format: 'date-time', description: `${description} (ISO-8601 with zone)` }));

export const FilterQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: 500,
      description: 'Words (all must match), "a phrase", a OR b, -excluded, prefix*',
    }),
  ),
  from: instant('published at or after'),
  to: instant('published before'),
  side: list('sides, e.g. UA,RU'),
  platform: list('platforms'),
  kind: list('kinds'),
  lang: list('language codes'),
  source: list('source ids'),
  frame: list('frame ids'),
  release: list('release ids'),
});
export type FilterQuery = Static<typeof FilterQuery>;

export const Interval = Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')], { default: 'day' });
