import { GraphQLError, Kind } from 'graphql';
import { DateScalar, DateTimeScalar, dayAndInstant } from './dateScalars';

describe('Date and DateTime', () => {
  it('send a valid value as the source model gave it, keeping its offset', () => {
    expect(DateScalar.serialize('2026-03-01')).toBe('2026-03-01');
    expect(DateTimeScalar.serialize('2026-03-01T09:20:00Z')).toBe('2026-03-01T09:20:00Z');
    expect(DateTimeScalar.serialize('2026-07-15T08:00:00+02:00')).toBe('2026-07-15T08:00:00+02:00');
    expect(DateTimeScalar.serialize(new Date('2026-03-01T09:20:00Z'))).toBe('2026-03-01T09:20:00.000Z');
  });

  it.each([
    [DateScalar, '2026-02-30'],
    [DateScalar, '2026-03-01T09:20:00Z'],
    [DateScalar, '01.03.2026'],
    [DateScalar, 20260301],
    [DateTimeScalar, '2026-03-01T10:00:00'],
    [DateTimeScalar, '2026-03-01'],
    [DateTimeScalar, '2026-02-30T10:00:00Z'],
    [DateTimeScalar, 'i morgen'],
  ])("refuse what is not one as the source's fault (%s %p), without echoing it", (scalar, value) => {
    let thrown: unknown;
    try {
      scalar.serialize(value);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(GraphQLError);
    const error = thrown as GraphQLError;
    expect(error.extensions.code).toBe('SOURCE_BAD_RESPONSE');
    expect(error.extensions.reason).toBe(scalar === DateScalar ? 'NOT_A_DATE' : 'NOT_A_DATETIME');
    expect(error.message).not.toContain(String(value));
  });

  it('take arguments as the strings they are, checked by graphql-scalars', () => {
    expect(DateScalar.parseValue('2026-03-01')).toBe('2026-03-01');
    expect(DateScalar.parseLiteral({ kind: Kind.STRING, value: '2026-03-01' })).toBe('2026-03-01');
    expect(DateTimeScalar.parseValue('2026-03-01T09:20:00+01:00')).toBe('2026-03-01T09:20:00+01:00');
    expect(() => DateScalar.parseValue('2026-02-30')).toThrow(/Date/);
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: '2026-03-01T10:00' })).toThrow(/DateTime/);
  });

  it('name their specification', () => {
    expect(DateScalar.specifiedByURL).toMatch(/rfc3339/);
    expect(DateTimeScalar.specifiedByURL).toMatch(/rfc3339/);
  });

  it('split a value that is a day or an instant into the day (in Norway) and the instant', () => {
    const pair = dayAndInstant((x: { when: string | null }) => x.when);
    // 23:30 UTC on 31 March is 01:30 the next day in Oslo (summer time from 29 March 2026).
    expect([pair.day({ when: '2026-03-31T23:30:00Z' }), pair.at({ when: '2026-03-31T23:30:00Z' })]).toEqual(['2026-04-01', '2026-03-31T23:30:00Z']);
    expect([pair.day({ when: '2026-03-01' }), pair.at({ when: '2026-03-01' })]).toEqual(['2026-03-01', null]);
    expect([pair.day({ when: null }), pair.at({ when: null })]).toEqual([null, null]);
    // A local time without an offset is neither: not guessed.
    expect([pair.day({ when: '2026-03-01T10:00:00' }), pair.at({ when: '2026-03-01T10:00:00' })]).toEqual([null, null]);
  });
});
