import { demoPatient } from '../../simulators/population';
import { TestSystem, type GraphQLResponse } from './harness';

/**
 * Cursor connections, end to end: a client pages through a demo patient's visits, consultations, timeline and
 * access log by cursor until `hasNextPage` is false, and gets the whole list the old field gives, in its order,
 * each item once; a reader refused the list is refused the connection alike; a cursor of another list is
 * INVALID_CURSOR; and reading a page is logged as reading the list is.
 */
const ingrid = demoPatient('homeCare');

interface Page {
  edges: { cursor: string; node: Record<string, unknown> }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: number;
}

let system: TestSystem;
let engines: Record<'apollo' | 'hive' | 'hive-router', string>;
beforeAll(async () => {
  ({ system, engines } = await TestSystem.startWithEngines({ sourceTimeoutMs: 5000 }));
}, 180_000);
afterAll(async () => {
  await system?.stop();
});

const PAGE = 'edges { cursor node { ...Item } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/** Reads every page of `first` items, following endCursor; checks each page's pageInfo as it goes. */
async function allPages(query: string, variables: Record<string, unknown>, persona: string, first: number, pick: (data: any) => Page): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let after: string | null = null;
  for (let pages = 1; pages <= 200; pages++) {
    const answer: GraphQLResponse<any> = await system.query(query, { ...variables, first, after }, persona);
    expect(answer.body.errors).toBeUndefined();
    const page = pick(answer.body.data);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(page.edges.length).toBeLessThanOrEqual(first);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
    items.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return { items, pages };
    expect(page.edges).toHaveLength(first);
    after = page.pageInfo.endCursor;
  }
  throw new Error('hasNextPage never became false');
}

const key = (item: Record<string, unknown>) => JSON.stringify(item);

describe('paging by cursor gives the whole list of the old field', () => {
  it.each([
    {
      name: 'care visits',
      connection: `query($nin: String!, $first: Int, $after: String) { patient(nin: $nin) { careRecord { visitsConnection(first: $first, after: $after) { totalCount ${PAGE} } } } } fragment Item on CareVisit { id time }`,
      whole: 'query($nin: String!) { patient(nin: $nin) { careRecord { list: visits(last: 200) { id time } } } }',
      page: (d: any) => d.patient.careRecord.visitsConnection,
      list: (d: any) => d.patient.careRecord.list,
      first: 7,
    },
    {
      name: 'GP consultations',
      connection: `query($nin: String!, $first: Int, $after: String) { patient(nin: $nin) { gpRecord { consultationsConnection(first: $first, after: $after) { ${PAGE} } } } } fragment Item on Consultation { id time }`,
      whole: 'query($nin: String!) { patient(nin: $nin) { gpRecord { list: consultations(last: 200) { id time } } } }',
      page: (d: any) => d.patient.gpRecord.consultationsConnection,
      list: (d: any) => d.patient.gpRecord.list,
      first: 3,
    },
    {
      name: 'the timeline',
      connection: `query($nin: String!, $first: Int, $after: String) { patient(nin: $nin) { timelineConnection(first: $first, after: $after) { ${PAGE} } } } fragment Item on TimelineEvent { date sector kind title provenance { sourceId recordId } }`,
      whole: 'query($nin: String!) { patient(nin: $nin) { list: timeline(first: 1000) { date sector kind title provenance { sourceId recordId } } } }',
      page: (d: any) => d.patient.timelineConnection,
      list: (d: any) => d.patient.list,
      first: 10,
    },
    {
      name: 'the timeline, oldest first, two sectors',
      connection: `query($nin: String!, $first: Int, $after: String) { patient(nin: $nin) { timelineConnection(order: OLDEST_FIRST, sectors: [GP, HOSPITAL], first: $first, after: $after) { ${PAGE} } } } fragment Item on TimelineEvent { date sector kind title }`,
      whole: 'query($nin: String!) { patient(nin: $nin) { list: timeline(order: OLDEST_FIRST, sectors: [GP, HOSPITAL], first: 1000) { date sector kind title } } }',
      page: (d: any) => d.patient.timelineConnection,
      list: (d: any) => d.patient.list,
      first: 4,
    },
  ])('$name', async ({ connection, whole, page, list, first }) => {
    const { items, pages } = await allPages(connection, { nin: ingrid.nin }, 'gp', first, page);
    const old = await system.query<any>(whole, { nin: ingrid.nin }, 'gp');
    expect(old.body.errors).toBeUndefined();
    const expected = list(old.body.data) as Record<string, unknown>[];
    // More than one page, or the test shows nothing.
    expect(pages).toBeGreaterThan(1);
    expect(items).toEqual(expected);
    expect(new Set(items.map(key)).size).toBe(items.length);
  });

  it('care visits: totalCount is the whole list, and paging back by last/before gives it too', async () => {
    const query = `query($nin: String!, $last: Int, $before: String) { patient(nin: $nin) { careRecord { visitsConnection(last: $last, before: $before) { totalCount ${PAGE} } } } } fragment Item on CareVisit { id }`;
    const pages: string[][] = [];
    let before: string | null = null;
    let total = 0;
    for (;;) {
      const answer: GraphQLResponse<any> = await system.query(query, { nin: ingrid.nin, last: 9, before }, 'gp');
      expect(answer.body.errors).toBeUndefined();
      const page = answer.body.data.patient.careRecord.visitsConnection as Page;
      total = page.totalCount ?? -1;
      pages.unshift(page.edges.map((e) => e.node.id as string));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    const old = await system.query<any>('query($nin: String!) { patient(nin: $nin) { careRecord { visits(last: 200) { id } } } }', { nin: ingrid.nin }, 'gp');
    const ids = (old.body.data.patient.careRecord.visits as { id: string }[]).map((v) => v.id);
    expect(pages.flat()).toEqual(ids);
    expect(total).toBe(ids.length);
  });

  it("the access log: pages keep their place while each read adds an entry at the head, and a page is logged as the list's read is", async () => {
    // Readers to list: the GP, the home-care nurse, the hospital, emergency access.
    for (const persona of ['gp', 'home-care-nurse', 'hospital-doctor', 'emergency-physician', 'gp', 'home-care-nurse']) {
      expect((await system.query('query($nin: String!) { patient(nin: $nin) { name { text } } }', { nin: ingrid.nin }, persona)).body.errors).toBeUndefined();
    }
    const connection = `query($first: Int, $after: String) { me { accessLogConnection(first: $first, after: $after) { ${PAGE} } } } fragment Item on AccessLogEntry { time requestId purpose }`;
    const { items, pages } = await allPages(connection, {}, 'citizen-ingrid', 2, (d) => d.me.accessLogConnection);
    expect(pages).toBeGreaterThan(2);
    const old = await system.query<any>('{ me { accessLog(last: 500) { time requestId purpose fields } } }', {}, 'citizen-ingrid');
    expect(old.body.errors).toBeUndefined();
    const whole = old.body.data.me.accessLog as Record<string, unknown>[];
    // Each page read was logged before it was answered: the whole list now has one newer entry per page, and below
    // them exactly what the pages gave, though the list grew at its head while they were read.
    expect(items).toEqual(whole.slice(pages).map(({ fields: _fields, ...rest }) => rest));
    expect(new Set(items.map(key)).size).toBe(items.length);
    // The newest is the last page's read: logged as the list's read is, by its field and the items' fields.
    const fields = whole[0]?.fields as string[];
    expect(fields).toEqual(expect.arrayContaining(['Patient.accessLogConnection', 'AccessLogEntry.time', 'AccessLogEntry.requestId']));
    expect(fields.filter((f) => /^(PageInfo|AccessLogEntryEdge|AccessLogEntryConnection)\./.test(f))).toEqual([]);
  });
});

/** What a refusal says, the field's own name aside (the list and its connection differ in nothing else). */
function refusals(answer: GraphQLResponse) {
  return {
    status: answer.status,
    errors: (answer.body.errors ?? []).map((e) => ({
      path: e.path?.map((p) => (typeof p === 'string' ? p.replace(/Connection$/, '') : p)),
      code: e.extensions?.code,
      rule: e.extensions?.rule,
      reason: e.extensions?.reason,
    })),
  };
}

describe('a reader refused the list is refused the connection alike', () => {
  it.each([
    ['nursing-home-doctor', 'careRecord { visits { id } }', 'careRecord { visitsConnection { edges { node { id } } } }'],
    ['nursing-home-doctor', 'gpRecord { consultations { id } }', 'gpRecord { consultationsConnection { edges { node { id } } } }'],
    ['nursing-home-doctor', 'timeline { date }', 'timelineConnection { edges { node { date } } pageInfo { hasNextPage } }'],
    ['nursing-home-doctor', 'labResults { id }', 'labResultsConnection { edges { node { id } } }'],
    ['gp', 'accessLog { time }', 'accessLogConnection { edges { node { time } } }'],
  ])('%s: %s', async (persona, list, connection) => {
    const read = (selection: string) => system.query(`query($nin: String!) { patient(nin: $nin) { name { text } ${selection} } }`, { nin: ingrid.nin }, persona);
    const [a, b] = [await read(list), await read(connection)];
    expect(a.body.errors?.length).toBeGreaterThan(0);
    expect(refusals(b)).toEqual(refusals(a));
  });
});

describe('cursors', () => {
  it('another list\'s cursor is INVALID_CURSOR at the connection; the rest of the record still comes', async () => {
    const visits = await system.query<any>('query($nin: String!) { patient(nin: $nin) { careRecord { visitsConnection(first: 1) { pageInfo { endCursor } } } } }', { nin: ingrid.nin }, 'gp');
    const cursor = visits.body.data.patient.careRecord.visitsConnection.pageInfo.endCursor as string;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString('utf8')).not.toContain(ingrid.nin);
    const answer = await system.query<any>(
      'query($nin: String!, $c: String) { patient(nin: $nin) { gpRecord { office consultationsConnection(first: 2, after: $c) { edges { cursor } } } } }',
      { nin: ingrid.nin, c: cursor },
      'gp',
    );
    expect(answer.body.data.patient.gpRecord).toEqual({ office: expect.any(String), consultationsConnection: null });
    expect(answer.body.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.reason])).toEqual([[['patient', 'gpRecord', 'consultationsConnection'], 'INVALID_CURSOR', 'NOT_IN_LIST']]);
  });

  it('first and last together are refused before planning', async () => {
    const answer = await system.query('query($nin: String!) { patient(nin: $nin) { timelineConnection(first: 2, last: 2) { edges { cursor } } } }', { nin: ingrid.nin }, 'gp');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'last']]);
  });
});

describe('Hive Gateway pages alike', () => {
  it('every connection, on both of its planners, gives the pages and cursors the Apollo gateway gives', async () => {
    const token = await system.token('gp');
    const ask = async (url: string, query: string, variables: Record<string, unknown>) => {
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as GraphQLResponse['body'];
      return { status: response.status, data: body.data, errors: (body.errors ?? []).map((e) => [e.path, e.extensions?.code]) };
    };
    const query = `query($nin: String!, $after: String) { patient(nin: $nin) {
      careRecord { visitsConnection(first: 3, after: $after) { totalCount ${PAGE.replace('...Item', 'id time')} } administrationsConnection(last: 2) { totalCount edges { node { time name } } } }
      gpRecord { consultationsConnection(first: 2) { ${PAGE.replace('...Item', 'time')} } }
      hospitalRecords { labResultsConnection(first: 2) { ${PAGE.replace('...Item', 'time code { code }')} } }
      labResultsConnection(first: 2) { ${PAGE.replace('...Item', 'time value')} }
      timelineConnection(first: 4, order: OLDEST_FIRST) { ${PAGE.replace('...Item', 'date title')} }
      messagesConnection(first: 1) { ${PAGE.replace('...Item', 'conversationRef subject')} }
    } }`;
    const first = await ask(engines.apollo, query, { nin: ingrid.nin, after: null });
    expect(first.errors).toEqual([]);
    const after = (first.data as any).patient.careRecord.visitsConnection.pageInfo.endCursor as string;
    for (const variables of [{ nin: ingrid.nin, after: null }, { nin: ingrid.nin, after }]) {
      const [apollo, hive, router] = await Promise.all([engines.apollo, engines.hive, engines['hive-router']].map((url) => ask(url, query, variables)));
      expect(hive).toEqual(apollo);
      expect(router).toEqual(apollo);
    }
  });
});
