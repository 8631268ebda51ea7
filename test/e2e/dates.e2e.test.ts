import { getNamedType, isListType, isNonNullType, isObjectType, isAbstractType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { PERSONAS } from '../../gateway/devIdp/personas';
import { utcToOsloLocal } from '../../lib/osloTime';
import { getPopulation } from '../../simulators/population';
import { demoPatientList } from '../../simulators/population/demoPatients';
import { TestSystem } from './harness';
import { apiSchema, wholeQuery } from './wholeQuery';

/**
 * `Date` and `DateTime` (lib/dateScalars.ts) hold what they say on every path a client reads: every demo patient,
 * read whole by every persona of health personnel and every citizen, through the gateway from the simulators. A
 * `Date` is a real `yyyy-mm-dd`, a `DateTime` an instant with an offset, a pair `day`/`at` names the same moment, and
 * no source's value was refused as not a date (which would null a field with SOURCE_BAD_RESPONSE).
 */
let system: TestSystem;
const env = { LIMIT_TOKENS: '100000', LIMIT_DEPTH: '40', LIMIT_COST: '100000000' };

beforeAll(async () => {
  system = await TestSystem.start({ mode: 'embedded', env });
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const FULL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface Seen {
  Date: number;
  DateTime: number;
  pairs: number;
  problems: string[];
}

/** Walks an answer by the API schema's types, checking every Date and DateTime value and every day/at pair. */
function check(schema: GraphQLSchema, type: GraphQLOutputType, value: unknown, path: string, seen: Seen): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return check(schema, type.ofType, value, path, seen);
  if (isListType(type)) {
    (value as unknown[]).forEach((item, i) => check(schema, type.ofType, item, `${path}.${i}`, seen));
    return;
  }
  const named = getNamedType(type);
  if (named.name === 'Date') {
    seen.Date++;
    if (typeof value !== 'string' || !FULL_DATE.test(value) || Number.isNaN(Date.parse(value))) seen.problems.push(`${path}: Date ${JSON.stringify(value)}`);
    return;
  }
  if (named.name === 'DateTime') {
    seen.DateTime++;
    if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) seen.problems.push(`${path}: DateTime ${JSON.stringify(value)}`);
    return;
  }
  if (!isObjectType(named) && !isAbstractType(named)) return;
  const object = value as Record<string, unknown>;
  const concrete = isAbstractType(named) ? schema.getType(String(object.__typename)) : named;
  if (!concrete || !isObjectType(concrete)) return;
  const fields = concrete.getFields();
  for (const [key, inner] of Object.entries(object)) {
    const field = fields[key];
    if (field) check(schema, field.type, inner, `${path}.${key}`, seen);
  }
  // A pair names one moment: the day is the Norwegian day of the instant.
  for (const [day, at] of [['day', 'at'], ['receivedDay', 'receivedAt']] as const) {
    if (typeof object[day] !== 'string' || typeof object[at] !== 'string') continue;
    seen.pairs++;
    if (utcToOsloLocal(object[at] as string).slice(0, 10) !== object[day]) seen.problems.push(`${path}: ${day} ${String(object[day])} is not the day of ${at} ${String(object[at])}`);
  }
}

/** The whole query less the fields the persona's role may never read (the gateway refuses those before planning). */
async function wholeQueryFor(persona: string, root: 'patient' | 'me', nin: string): Promise<string> {
  // The access log may be read once per operation: its connection is the one asked for.
  const skip: string[] = ['accessLog'];
  for (let attempt = 0; attempt < 10; attempt++) {
    const query = wholeQuery(root, { skip });
    const answer = await system.query(query, root === 'me' ? {} : { nin }, persona);
    const fields = (answer.body.errors?.find((e) => e.extensions?.reason === 'ROLE')?.extensions?.fields as string[] | undefined) ?? [];
    if (answer.status !== 403 || fields.length === 0) return query;
    skip.push(...fields);
  }
  throw new Error(`no whole query for ${persona}`);
}

describe('Date and DateTime on every path', () => {
  const schema = apiSchema();
  const patients = demoPatientList(getPopulation());
  const clinicians = PERSONAS.filter((p) => p.kind !== 'CITIZEN' && p.name !== 'researcher' && p.name !== 'administrator').map((p) => p.name);
  const citizens = PERSONAS.filter((p) => p.kind === 'CITIZEN').map((p) => p.name);
  const total: Seen = { Date: 0, DateTime: 0, pairs: 0, problems: [] };

  it('the schema has the scalars, from graphql-scalars with their specification, and no date left as a String', () => {
    expect(schema.getType('Date')).toBeTruthy();
    expect(schema.getType('DateTime')).toBeTruthy();
    // The types a client reaches from the roots (not the internal value types between subgraphs).
    const reached = new Set<string>();
    const reach = (name: string) => {
      const type = schema.getType(name);
      if (reached.has(name) || !type) return;
      reached.add(name);
      if (isAbstractType(type)) schema.getPossibleTypes(type).forEach((t) => reach(t.name));
      if (!isObjectType(type)) return;
      for (const f of Object.values(type.getFields())) {
        if (!f.name.startsWith('_') && !f.astNode?.directives?.some((d) => d.name.value === 'inaccessible')) reach(getNamedType(f.type).name);
      }
    };
    reach('Query');
    reach('Mutation');
    expect(reached.size).toBeGreaterThan(50);
    const dateLike = [...reached]
      .map((name) => schema.getType(name))
      .filter(isObjectType)
      .flatMap((t) => Object.values(t.getFields()).map((f) => ({ name: `${t.name}.${f.name}`, type: getNamedType(f.type).name, deprecated: Boolean(f.deprecationReason), description: f.description ?? '' })))
      .filter((f) => f.type === 'String' && !f.deprecated && /\bISO\b|date-time/.test(f.description));
    expect(dateLike.map((f) => f.name)).toEqual([]);
  });

  it.each(clinicians)('every demo patient read whole as %s', async (persona) => {
    const query = await wholeQueryFor(persona, 'patient', patients[0]?.nin as string);
    const seen: Seen = { Date: 0, DateTime: 0, pairs: 0, problems: [] };
    let answered = 0;
    for (const patient of patients) {
      const answer = await system.query(query, { nin: patient.nin }, persona);
      expect([patient.key, answer.status]).toEqual([patient.key, 200]);
      if (answer.body.data?.patient) answered++;
      const refused = (answer.body.errors ?? []).filter((e) => String(e.extensions?.reason ?? '').startsWith('NOT_A_DATE'));
      expect([patient.key, refused]).toEqual([patient.key, []]);
      check(schema, schema.getQueryType()!.getFields().patient!.type, answer.body.data?.patient, `${patient.key}`, seen);
    }
    expect(seen.problems).toEqual([]);
    // Health personnel get patients back (the blocked practitioner too, for those whose records do not block him).
    expect(answered).toBeGreaterThan(0);
    Object.assign(total, { Date: total.Date + seen.Date, DateTime: total.DateTime + seen.DateTime, pairs: total.pairs + seen.pairs });
  }, 180_000);

  it.each(citizens)('their own record as %s', async (persona) => {
    const query = await wholeQueryFor(persona, 'me', '');
    const answer = await system.query(query, {}, persona);
    expect((answer.body.errors ?? []).filter((e) => String(e.extensions?.reason ?? '').startsWith('NOT_A_DATE'))).toEqual([]);
    const seen: Seen = { Date: 0, DateTime: 0, pairs: 0, problems: [] };
    check(schema, schema.getQueryType()!.getFields().me!.type, answer.body.data?.me, persona, seen);
    expect(seen.problems).toEqual([]);
    expect(seen.Date + seen.DateTime).toBeGreaterThan(0);
  }, 60_000);

  it('the walks above checked many values of each kind (not an empty comparison)', () => {
    expect(total.Date).toBeGreaterThan(1000);
    expect(total.DateTime).toBeGreaterThan(1000);
    expect(total.pairs).toBeGreaterThan(100);
  });
});
