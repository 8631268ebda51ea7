import { GraphQLScalarType, type ValueNode } from 'graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { graphError } from './errorCodes';
import { dayOf, instantOf } from './osloTime';

/**
 * The graph's `Date` and `DateTime` scalars: graphql-scalars' (RFC 3339 `full-date` and `date-time`, with their
 * validation and `@specifiedBy` URLs), with two choices of ours on top:
 * - A value goes out as the source's model gave it when it is valid (`2026-03-01T09:20:00Z` stays that, and an offset
 *   a source wrote, `+01:00`, is kept), instead of graphql-scalars' re-rendering of every instant in UTC with
 *   milliseconds. Every `DateTime` carries an offset (`Z` or `±hh:mm`): a local time without one is not a `DateTime`.
 * - A value that is not one (a source's garbage that got past its adapter) is the source's fault, not the reader's: the
 *   field is refused with SOURCE_BAD_RESPONSE, and the value itself is not echoed (it could be anything).
 * Arguments come in as the same strings (a resolver gets `2026-03-01`, not a JavaScript Date), checked by the library.
 */

const DATE_SPEC = 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6';

function sourceValueRefused(kind: 'Date' | 'DateTime'): never {
  throw graphError('SOURCE_BAD_RESPONSE', `A source gave a value that is not a ${kind} (RFC 3339); the field is left out`, { reason: 'NOT_A_' + kind.toUpperCase() });
}

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One of the two: the library's checks on arguments, which come in as the strings they are; our `serialize`. */
function scalar(name: 'Date' | 'DateTime', description: string, library: Pick<GraphQLScalarType, 'parseValue' | 'parseLiteral'>, serialize: (value: unknown) => string): GraphQLScalarType<string, string> {
  return new GraphQLScalarType<string, string>({
    name,
    description,
    specifiedByURL: DATE_SPEC,
    serialize,
    parseValue(value) {
      library.parseValue(value);
      return value as string;
    },
    parseLiteral(ast: ValueNode, variables) {
      library.parseLiteral(ast, variables);
      return (ast as { value: string }).value;
    },
  });
}

export const DateScalar = scalar(
  'Date',
  'A calendar day, `yyyy-mm-dd` (RFC 3339 `full-date`), in Norwegian time where the source gives an instant: a day has no time of day and no offset.',
  DateResolver,
  (value) => {
    if (typeof value === 'string' && FULL_DATE.test(value)) {
      try {
        DateResolver.serialize(value);
        return value;
      } catch {
        // falls through to the refusal
      }
    }
    return sourceValueRefused('Date');
  },
);

export const DateTimeScalar = scalar(
  'DateTime',
  'An instant, `yyyy-mm-ddThh:mm:ss` with an offset (`Z` for UTC, or `+01:00`/`+02:00` as Norwegian sources write it): RFC 3339 `date-time`.',
  DateTimeResolver,
  (value) => {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    if (typeof value === 'string') {
      try {
        DateTimeResolver.serialize(value);
        return value;
      } catch {
        // falls through to the refusal
      }
    }
    return sourceValueRefused('DateTime');
  },
);

/** The resolvers every subgraph serves the scalars with. */
export const dateScalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar };

/**
 * The resolvers of a pair `day: Date` / `at: DateTime` over a value that is a day or an instant (a timeline event, what is
 * planned, a hospital's receipt of a referral): one meaning per field, the day always, the instant where it is known.
 */
export function dayAndInstant<T>(when: (item: T) => string | null | undefined): { day: (item: T) => string | null; at: (item: T) => string | null } {
  return { day: (item) => dayOf(when(item)), at: (item) => instantOf(when(item)) };
}
