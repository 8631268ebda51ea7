import type { GraphQLError } from 'graphql';
import { connection, type ConnectionArgs } from './connection';

/** 45 visits, newest first, as a care record hands them over. */
const visits = Array.from({ length: 45 }, (_, i) => ({ id: `v${45 - i}`, time: `2026-11-${String(30 - Math.floor(i / 2)).padStart(2, '0')}T08:00:00Z` }));
const page = (args: ConnectionArgs, items = visits) => connection(items, args, { coordinate: 'CareRecord.visitsConnection', key: (v) => `${v.id}|${v.time}` });
const ids = (c: ReturnType<typeof page>) => c.edges.map((e) => e.node.id);

function refusal(run: () => unknown): { code: unknown; reason: unknown; argument: unknown } {
  try {
    run();
  } catch (e) {
    const error = e as GraphQLError;
    return { code: error.extensions.code, reason: error.extensions.reason, argument: error.extensions.argument };
  }
  throw new Error('expected a refusal');
}

describe('cursor connections', () => {
  it('page forward with first/after until hasNextPage is false: the whole list, in order, once', () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const c = page({ first: 10, after });
      seen.push(...ids(c));
      pages++;
      expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(pages).toBe(5);
    expect(seen).toEqual(visits.map((v) => v.id));
  });

  it('page backward with last/before until hasPreviousPage is false', () => {
    const seen: string[][] = [];
    let before: string | null = null;
    for (;;) {
      const c = page({ last: 20, before });
      seen.unshift(ids(c));
      expect(c.pageInfo.hasNextPage).toBe(before !== null);
      if (!c.pageInfo.hasPreviousPage) break;
      before = c.pageInfo.startCursor;
    }
    expect(seen.map((s) => s.length)).toEqual([5, 20, 20]);
    expect(seen.flat()).toEqual(visits.map((v) => v.id));
  });

  it('take the default page without first or last, and what lies between after and before', () => {
    const first = page({});
    expect(ids(first)).toEqual(visits.slice(0, 20).map((v) => v.id));
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]?.cursor, endCursor: first.edges[19]?.cursor });
    expect(first.totalCount).toBe(45);
    const between = page({ after: first.edges[2]?.cursor, before: first.edges[6]?.cursor });
    expect(ids(between)).toEqual(['v42', 'v41', 'v40']);
    expect(between.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    // `last` counts back from `before`; a page at either end of the list says so.
    expect(ids(page({ last: 2, before: first.edges[6]?.cursor }))).toEqual(['v41', 'v40']);
    expect(page({ last: 5 }).pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(page({ first: 45 }).pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('give an empty page its bounds: no cursors, and whether items lie on either side', () => {
    expect(page({ first: 0 }).pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
    const end = page({ first: 45 }).pageInfo.endCursor;
    expect(page({ after: end })).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null }, totalCount: 45 });
    expect(page({}, [])).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 });
  });

  it('name items, not positions: a cursor still reads on after the list grew at its head', () => {
    const c = page({ first: 10 });
    const grown = [{ id: 'v46', time: '2026-12-01T08:00:00Z' }, ...visits];
    expect(ids(page({ first: 3, after: c.pageInfo.endCursor }, grown))).toEqual(['v35', 'v34', 'v33']);
  });

  it('keep cursors opaque: no id, time or identity number in them, and each list its own', () => {
    const withNin = [{ id: '03864013065', time: '2026-11-30T08:00:00Z' }];
    const cursor = page({}, withNin).edges[0]?.cursor ?? '';
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
    expect(decoded).toMatch(/^1:/);
    expect(decoded).not.toContain('03864013065');
    expect(decoded).not.toContain('2026');
    // Equal items are told apart; the same item in another connection has another cursor.
    const twins = page({}, [visits[0] as (typeof visits)[number], visits[0] as (typeof visits)[number]]);
    expect(new Set(twins.edges.map((e) => e.cursor)).size).toBe(2);
    const other = connection(visits, {}, { coordinate: 'GpRecord.consultationsConnection', key: (v) => `${v.id}|${v.time}` });
    expect(other.edges[0]?.cursor).not.toBe(page({}).edges[0]?.cursor);
  });

  it('refuse a cursor that is not one of this list: INVALID_CURSOR, saying which argument and why', () => {
    expect(refusal(() => page({ after: 'not a cursor!' }))).toEqual({ code: 'INVALID_CURSOR', reason: 'UNREADABLE', argument: 'after' });
    expect(refusal(() => page({ before: Buffer.from('2:abc').toString('base64url') }))).toEqual({ code: 'INVALID_CURSOR', reason: 'UNREADABLE', argument: 'before' });
    // Another list's cursor (a consultation's), or one whose item left the list.
    const foreign = connection(visits, {}, { coordinate: 'GpRecord.consultationsConnection', key: (v) => `${v.id}|${v.time}` }).pageInfo.endCursor;
    expect(refusal(() => page({ after: foreign }))).toEqual({ code: 'INVALID_CURSOR', reason: 'NOT_IN_LIST', argument: 'after' });
    const gone = page({ first: 1 }).pageInfo.endCursor;
    expect(refusal(() => page({ after: gone }, visits.slice(1)))).toEqual({ code: 'INVALID_CURSOR', reason: 'NOT_IN_LIST', argument: 'after' });
  });

  it('hold first and last to their bounds, and refuse both at once', () => {
    expect(page({ first: 200 }).edges).toHaveLength(45);
    expect(refusal(() => page({ first: 201 }))).toEqual({ code: 'BAD_USER_INPUT', reason: undefined, argument: 'first' });
    expect(refusal(() => page({ last: -1 }))).toEqual({ code: 'BAD_USER_INPUT', reason: undefined, argument: 'last' });
    expect(refusal(() => page({ first: 1, last: 1 }))).toEqual({ code: 'BAD_USER_INPUT', reason: undefined, argument: 'last' });
  });
});
