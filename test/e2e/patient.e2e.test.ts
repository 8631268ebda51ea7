import { readFileSync } from 'node:fs';
import { containsNin } from '../../adapters/kit';
import { FIRST_QUERY_FILE } from '../../gateway/playground';
import { loadOrganisations } from '../../lib/config';
import { APPREC_PATH } from '../../simulators/care-plo';
import { PROFILES } from '../../simulators/gp-kith/dialects';
import { demoPatient, getPopulation } from '../../simulators/population';
import { allErrors, DEFAULT_READER, TestSystem, type GraphQLResponse } from './harness';

/**
 * The whole system over real HTTP: one query through the gateway reaches every kind of legacy system.
 */
let system: TestSystem;
const responses: GraphQLResponse[] = [];

async function query(q: string, variables: Record<string, unknown> = {}) {
  const response = await system.query<Record<string, any>>(q, variables);
  responses.push(response);
  return response;
}

beforeAll(async () => {
  // Nothing here tests timeouts: sources and subgraphs get generous time, so a cold start of eight processes
  // on two cores shared with another test file (the first worklists of a hundred) is not taken for a hang.
  system = await TestSystem.start({ sourceTimeoutMs: 5000, env: { SUBGRAPH_TIMEOUT_MS: '30000' } });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const homeCare = demoPatient('homeCare');
/** Where the KITH systems take application receipts, as the instance stats count routes. */
const RECEIPT_ROUTES = new Set([...Object.values(PROFILES).map((p) => `POST ${p.receipts.path}`), `POST ${APPREC_PATH}`]);

describe('one patient graph', () => {
  it("answers the README's first query for the home-care patient from all five kinds of system", async () => {
    const { status, body } = await query(readFileSync(FIRST_QUERY_FILE, 'utf8'), { nin: homeCare.nin });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const p = body.data?.patient;
    // registries
    expect(p.name.text).toBe('Ingrid Solheim');
    expect(p.municipality.name).toBe('Bergen');
    expect(p.generalPractitioner.office).toEqual({ name: 'Nordnes legekontor', recordSystem: 'Nordlys Journal' });
    expect(p.generalPractitioner.gp.name.text).toMatch(/\S+ \S+/);
    // municipal care
    // IPLOS service type (Volven 9151) 15, home nursing.
    expect(p.careRecord.services.map((s: { description: string }) => s.description)).toEqual(expect.arrayContaining(['Helsetjenester i hjemmet']));
    expect(p.careRecord.visitsConnection.edges).toHaveLength(2);
    expect(p.careRecord.visitsConnection.pageInfo.hasNextPage).toBe(true);
    // GP
    expect(p.gpRecord.consultationsConnection.edges.length).toBeGreaterThan(0);
    // hospital
    expect(p.hospitalRecords).toEqual([
      expect.objectContaining({ hospital: 'Haukeland universitetssjukehus', encounters: [expect.objectContaining({ class: 'INPATIENT', department: 'Hjerteavdelingen' })] }),
    ]);
    // national
    expect(p.summaryRecord.criticalInformation).toEqual([expect.objectContaining({ type: 'ALLERGY', text: 'Penicilliner' })]);
    // every source answered
    expect(new Set(p.sources.map((s: { sector: string }) => s.sector))).toEqual(new Set(['REGISTRY', 'MUNICIPAL_CARE', 'GP', 'HOSPITAL', 'NATIONAL', 'WELFARE_TECHNOLOGY']));
    expect(p.sources.every((s: { state: string }) => s.state === 'OK')).toBe(true);
  });

  it('merges the medication list across GP, hospital, municipal care and the national list, flagging disagreements', async () => {
    const { body } = await query(
      `query($nin: String!) { patient(nin: $nin) { medications { atc name status hasDiscrepancy
        entries { kind strength status provenance { sector organisation } }
        discrepancies { kind description values { value sources { sector } } } } } }`,
      { nin: homeCare.nin },
    );
    expect(body.errors).toBeUndefined();
    const meds = body.data?.patient.medications as any[];
    const metoprolol = meds.find((m) => m.atc === 'C07AB02');
    expect(new Set(metoprolol.entries.map((e: any) => e.kind))).toEqual(
      new Set(['GP_PRESCRIPTION', 'HOSPITAL_STATEMENT', 'MUNICIPAL_CARE_LIST', 'NATIONAL_DISPENSATION']),
    );
    expect(metoprolol.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'DOSE',
        values: expect.arrayContaining([
          expect.objectContaining({ value: '50 mg/day' }),
          expect.objectContaining({ value: '25 mg/day', sources: expect.arrayContaining([{ sector: 'HOSPITAL' }, { sector: 'MUNICIPAL_CARE' }]) }),
        ]),
      }),
    ]);
    const ibuprofen = meds.find((m) => m.atc === 'M01AE01');
    expect(ibuprofen.discrepancies.map((d: any) => d.kind)).toContain('STATUS');
    expect(ibuprofen.discrepancies.find((d: any) => d.kind === 'STATUS').description).toMatch(/Stopped according to Haukeland.*in use according to Nordnes legekontor/);
    const furosemide = meds.find((m) => m.atc === 'C03CA01');
    expect(furosemide.hasDiscrepancy).toBe(false);
    // Started at discharge and dispensed, but on neither the GP's list nor home nursing's: two omissions.
    const spironolactone = meds.find((m) => m.atc === 'C03DA01');
    expect(spironolactone.discrepancies.map((d: any) => d.kind)).toEqual(['OMISSION', 'OMISSION']);
    expect(spironolactone.discrepancies[0].description).toMatch(/^Missing from the GP's list \(fastlegens legemiddelliste\): in use according to Haukeland/);
    expect(spironolactone.discrepancies[1].description).toMatch(/^Missing from the municipal care service's medication list/);
  });

  it('puts events from every sector on one timeline, newest first', async () => {
    const { body } = await query(`query($nin: String!) { patient(nin: $nin) { timeline(first: 500) { date sector kind title } } }`, { nin: homeCare.nin });
    const events = body.data?.patient.timeline as { date: string; sector: string; kind: string }[];
    const dates = events.map((e) => e.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(new Set(events.map((e) => e.sector))).toEqual(new Set(['GP', 'HOSPITAL', 'MUNICIPAL_CARE', 'NATIONAL', 'WELFARE_TECHNOLOGY']));
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['HOSPITAL_ADMISSION', 'GP_CONSULTATION', 'CARE_SERVICE_STARTED', 'DISPENSATION']));
  });

  it('names the practitioners every sector refers to, from the practitioner register', async () => {
    const { body } = await query(
      `query($nin: String!) { patient(nin: $nin) {
        careRecord { visits(last: 1) { performer { name { text } authorisations { profession } } } }
        hospitalRecords { documents { author { name { text } specialities } } }
        gpRecord { prescriptions { prescriber { name { text } } } }
        summaryRecord { criticalInformation { recordedBy { name { text } } } } } }`,
      { nin: homeCare.nin },
    );
    expect(body.errors).toBeUndefined();
    const p = body.data?.patient;
    const hpr = new Map(getPopulation().practitioners.map((x) => [`${x.givenName} ${x.familyName}`, x]));
    const nurse = hpr.get(p.careRecord.visits[0].performer.name.text);
    expect(nurse?.profession).toBe('SP');
    expect(p.careRecord.visits[0].performer.authorisations).toEqual(expect.arrayContaining([{ profession: 'SP' }]));
    expect(hpr.get(p.hospitalRecords[0].documents[0].author.name.text)?.speciality).toBe(p.hospitalRecords[0].documents[0].author.specialities[0]);
    expect(hpr.get(p.gpRecord.prescriptions[0].prescriber.name.text)?.hprNumber).toBe(homeCare.gp?.hprNumber);
    expect(p.summaryRecord.criticalInformation[0].recordedBy.name.text).toMatch(/\S+ \S+/);
  });

  it('reaches the PLO care system and the other GP dialect for the nursing-home patient', async () => {
    const { body } = await query(
      `query($nin: String!) { patient(nin: $nin) { careRecord { municipality services { type unit } functionalAssessment { average } }
        gpRecord { office provenance { system } } generalPractitioner { office { recordSystem } } } }`,
      { nin: demoPatient('nursingHome').nin },
    );
    expect(body.errors).toBeUndefined();
    const p = body.data?.patient;
    expect(p.careRecord.municipality).toBe('Trondheim kommune');
    expect(p.careRecord.services.map((s: any) => s.type)).toContain('NURSING_HOME_LONG_TERM');
    expect(p.careRecord.functionalAssessment.average).toBeGreaterThan(1);
    expect(p.generalPractitioner.office.recordSystem).toBe('Fjord EPJ');
    expect(p.gpRecord.office).toBe('Byåsen legesenter');
  });

  it('never releases a strictly confidential address or municipality, yet routes the record', async () => {
    const { body } = await query(
      `query($nin: String!) { patient(nin: $nin) { name { text } address { street } addressProtection municipality { name } gpRecord { office consultations { time } } } }`,
      { nin: demoPatient('strictlyConfidential').nin },
    );
    expect(body.data?.patient).toEqual({
      name: { text: 'Silje Brekke' },
      address: null,
      addressProtection: 'STRICTLY_CONFIDENTIAL',
      municipality: null,
      gpRecord: { office: null, consultations: expect.arrayContaining([expect.objectContaining({ time: expect.any(String) })]) },
    });
    expect(body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.rule])).toEqual([
      ['patient.address', 'FORBIDDEN', 'protectedAddress'],
      ['patient.municipality', 'FORBIDDEN', 'protectedAddress'],
      ['patient.gpRecord.office', 'FORBIDDEN', 'placeName'],
    ]);
  });

  it('names no source found through a strictly confidential residence: not the municipality, its care system or its hospital', async () => {
    const hidden = getPopulation().persons.find((p) => p.addressProtection === 'STRICTLY_CONFIDENTIAL' && p.careRecord && p.hospitalRecords.length);
    expect(hidden).toBeDefined();
    const { body } = await query(
      `query($nin: String!) { patient(nin: $nin) { municipality { name }
        careRecord { municipality services { type unit } provenance { sourceId organisation } }
        hospitalRecords { hospital orgNumber encounters { class } provenance { sourceId organisation } }
        medications { sources { sourceId organisation } entries { note } }
        timeline(first: 500) { detail provenance { sourceId organisation } }
        sources { sourceId system sector organisation state holdsRecord latencyMs } } }`,
      { nin: hidden?.nin },
    );
    // Every refusal is a place name refused by its rule; nothing else failed.
    expect(new Set(body.errors?.map((e) => `${e.extensions?.code}:${e.extensions?.rule}`))).toEqual(new Set(['FORBIDDEN:protectedAddress', 'FORBIDDEN:placeName']));
    const p = body.data?.patient;
    expect(p.careRecord.services.length).toBeGreaterThan(0);
    expect(p.careRecord.services.every((s: any) => s.unit === null)).toBe(true);
    expect(p.careRecord.municipality).toBeNull();
    expect(p.hospitalRecords).toEqual([expect.objectContaining({ hospital: null, orgNumber: null, encounters: [{ class: 'INPATIENT' }] })]);
    const json = JSON.stringify(p);
    for (const revealing of ['Bergen', 'care-bergen', 'Haukeland', 'hospital-haukeland', '983974724', 'care-json', 'apotek', 'Apotek', 'Hjemmesykepleien']) expect(json).not.toContain(revealing);
    expect(p.sources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sourceId: 'municipal-care', system: 'protected', state: 'OK', holdsRecord: true, latencyMs: null }),
        expect.objectContaining({ sourceId: 'hospital', system: 'protected', state: 'OK', holdsRecord: true, latencyMs: null }),
      ]),
    );
  });

  it('shows a death, a D-number and a blocked document as such', async () => {
    const deceased = await query(`query($nin: String!) { patient(nin: $nin) { deceasedDate timeline(first: 1) { kind date } } }`, {
      nin: demoPatient('deceased').nin,
    });
    expect(deceased.body.data?.patient).toEqual({ deceasedDate: '2026-08-14', timeline: [{ kind: 'DEATH', date: '2026-08-14' }] });

    const dnr = await query(`query($nin: String!) { patient(nin: $nin) { identifierType syntheticIdentity } }`, { nin: demoPatient('dNumber').nin });
    expect(dnr.body.data?.patient).toEqual({ identifierType: 'DNR', syntheticIdentity: true });

    const blocked = await query(`query($nin: String!) { patient(nin: $nin) { hospitalRecords { documents { blocked title text author { hprNumber } } } } }`, {
      nin: demoPatient('blockedDocument').nin,
    });
    const documents = blocked.body.data?.patient.hospitalRecords[0].documents as any[];
    expect(documents).toHaveLength(2);
    // Blocked for everyone outside Haukeland: the emergency physician at St. Olavs sees that it exists, no more.
    expect(documents.filter((d) => d.blocked)).toEqual([{ blocked: true, title: null, text: null, author: null }]);
    expect(documents.find((d) => !d.blocked).text).toMatch(/Poliklinisk kontroll/);
    expect(blocked.body.errors?.map((e) => e.extensions?.rule)).toEqual(['documentContent', 'documentContent', 'documentContent']);
  });

  it('answers a 50-patient worklist with one call per source, not fifty', async () => {
    const nins = getPopulation().persons.slice(0, 50).map((p) => p.nin);
    await system.reset();
    const { body } = await query(
      `query($nins: [String!]!) { patients(nins: $nins) { nin name { family } gpRecord { office } careRecord { municipality }
        hospitalRecords { hospital } summaryRecord { criticalInformation { type } } } }`,
      { nins },
    );
    // The only refusals: the GP office of the patients whose address is strictly confidential.
    const protectedIndexes = getPopulation()
      .persons.slice(0, 50)
      .flatMap((p, i) => (p.addressProtection.startsWith('STRICTLY') && p.gpRecord ? [i] : []));
    expect(body.errors?.map((e) => [e.path, e.extensions?.rule]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      protectedIndexes.map((i) => [['patients', i, 'gpRecord', 'office'], 'placeName']).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    const answered = body.data?.patients as any[];
    expect(answered).toHaveLength(50);
    const people = getPopulation().persons.slice(0, 50);
    expect(answered.filter((p) => p.gpRecord).length).toBe(people.filter((p) => p.gpRecord).length);
    expect(answered.filter((p) => p.careRecord).length).toBe(people.filter((p) => p.careRecord).length);
    expect(answered.filter((p) => p.hospitalRecords?.length).length).toBe(people.filter((p) => p.hospitalRecords.length).length);

    // Exactly one call to every instance that holds one of these patients' data, none to the others; and one
    // more to every hospital, for what access decisions need (episodes of care and consents, nothing clinical).
    const orgs = loadOrganisations();
    const expected = new Set(['population-register', 'gp-register', 'summary-record', ...orgs.hospitals.map((h) => h.instance)]);
    const routedHospitals = new Set<string>();
    for (const p of people) {
      const office = orgs.gpOffices.find((o) => o.herId === p.gp?.officeHerId);
      if (office) expected.add(office.instance);
      const municipality = orgs.municipalities.find((m) => m.number === p.municipality);
      if (municipality?.careInstance) expected.add(municipality.careInstance);
      for (const h of orgs.hospitals.filter((x) => municipality?.hospitals.includes(x.orgNumber))) routedHospitals.add(h.instance);
    }
    const stats = await system.stats();
    const asked = Object.entries(stats).filter(([, s]) => s.requests > 0).map(([id]) => id);
    expect(new Set(asked)).toEqual(expected);
    for (const id of expected) {
      const s = stats[id];
      // The KITH systems' application receipts (AppRec) for the answers are calls of their own after the read: not reads.
      const receipts = Object.entries(s?.byRoute ?? {}).reduce((n, [route, count]) => n + (RECEIPT_ROUTES.has(route) ? count : 0), 0);
      const calls = id.startsWith('hospital-') ? s?.byRoute['POST /fhir/Patient/_search'] : id === 'summary-record' ? s?.byRoute['POST /kj/api/v1/summaries'] : (s?.requests ?? 0) - receipts;
      expect([id, calls]).toEqual([id, routedHospitals.has(id) ? 2 : 1]);
    }
  });

  it('answers for every person in the population without a single error, a hundred at a time', async () => {
    const persons = getPopulation().persons;
    const everything = `query($nins: [String!]!) { patients(nins: $nins) { nin name { text } address { street } generalPractitioner { office { name } }
      careRecord { services { type } visits { time } functionalAssessment { average } nextOfKin { relation } welfareTechnology { type } medications { atc } administrations { given } }
      gpRecord { consultations { time } problems { code { code } } prescriptions { atc status } referrals { date } }
      hospitalRecords { encounters { class } diagnoses { code { code } } medications { atc } documents { kind blocked } labResults { value abnormal } }
      summaryRecord { criticalInformation { type } dispensedMedications { atc } }
      medications { atc hasDiscrepancy } timeline(first: 5) { kind } sources { state } } }`;
    let withCare = 0;
    for (let i = 0; i < persons.length; i += 100) {
      const nins = persons.slice(i, i + 100).map((p) => p.nin);
      const { body } = await query(everything, { nins });
      // Refusals only where a rule says so: places of strictly confidential patients, blocked documents.
      for (const error of body.errors ?? []) {
        expect([error.extensions?.code, error.extensions?.rule]).toEqual(['FORBIDDEN', expect.stringMatching(/^(protectedAddress|placeName|documentContent)$/)]);
        const person = persons.find((p) => p.nin === nins[error.path?.[1] as number]);
        expect(person?.addressProtection.startsWith('STRICTLY') || person?.hospitalRecords.some((h) => h.documents.some((d) => d.blocked))).toBe(true);
      }
      const answered = body.data?.patients as any[];
      expect(answered.map((p) => p.nin)).toEqual(nins);
      for (const p of answered) expect(p.sources.every((s: { state: string }) => s.state === 'OK' || s.state === 'NOT_APPLICABLE')).toBe(true);
      withCare += answered.filter((p) => p.careRecord).length;
    }
    expect(withCare).toBe(persons.filter((p) => p.careRecord).length);
  });

  it('answers a bad identity number with INVALID_NIN and an unknown one with PATIENT_NOT_FOUND', async () => {
    const invalid = await query(`query($nin: String!) { patient(nin: $nin) { name { text } } }`, { nin: '03864013066' });
    expect(invalid.body.data).toEqual({ patient: null });
    expect(invalid.body.errors).toEqual([
      expect.objectContaining({ path: ['patient'], extensions: expect.objectContaining({ code: 'INVALID_NIN', reasons: ["checksums don't match"] }) }),
    ]);
    const unknown = await query(`query($nin: String!) { patient(nin: $nin) { name { text } } }`, { nin: '10915596784' });
    expect(unknown.body.data).toEqual({ patient: null });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PATIENT_NOT_FOUND');
    const mixed = await query(`query($nins: [String!]!) { patients(nins: $nins) { nin } }`, { nins: [homeCare.nin, '123', '10915596784'] });
    expect(mixed.body.data?.patients).toEqual([{ nin: homeCare.nin }, null, null]);
    expect(mixed.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['patients', 1], 'INVALID_NIN'],
      [['patients', 2], 'PATIENT_NOT_FOUND'],
    ]);
  });

  it('answers malformed GraphQL with the standard errors, and refuses GET', async () => {
    const parse = await query('{ patient(nin: "x" { name } }');
    expect(parse.status).toBe(400);
    expect(parse.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const validation = await query('{ patient(nin: "03864013065") { shoeSize } }');
    expect(validation.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const hidden = await query('{ patient(nin: "03864013065") { accessGrant } }');
    expect(hidden.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const variables = await query('query($nin: String!) { patient(nin: $nin) { nin } }', {});
    expect(variables.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const get = await fetch(`${system.system.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(405);
    expect(((await get.json()) as any).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('leaks no stack trace and no identity number in any error, and no identity number reached a URL', async () => {
    const nin = homeCare.nin;
    // Requests that fail in every way a client can make one fail, several of them quoting the number.
    const failing = await Promise.all([
      query(`query($nin: String!) { patient(nin: $nin) { name { text } } }`, { nin: `${nin.slice(0, 10)}9` }),
      query(`query($nin: String!) { patient(nin: $nin) { name { text } } }`, { nin: '10915596784' }),
      query(`query($nin: String!) { patient(nin: $nin) { name { text } } }`, { nin: [nin] }),
      query(`query($nin: Int!) { patient(nin: $nin) { name { text } } }`, { nin }),
      query(`{ patient(nin: "${nin}") { name { text } shoeSize } }`),
      query(`{ patient(nin: "${nin}" { name } }`),
    ]);
    const raw = await fetch(system.system.gatewayUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await system.token(DEFAULT_READER)}` },
      body: `{"query": "${nin}`,
    });
    const rawBody = await raw.text();
    expect(raw.status).toBe(400);
    expect(JSON.parse(rawBody).errors[0].extensions.code).toBe('BAD_REQUEST');

    const errors = [...allErrors(failing), ...allErrors(responses)];
    expect(allErrors(failing).length).toBeGreaterThanOrEqual(6);
    for (const text of [...errors.map((e) => JSON.stringify(e)), rawBody]) {
      expect(text).not.toMatch(/stacktrace|exception|\bat .+\.[jt]s:\d+|node_modules/);
      expect(containsNin(text)).toBe(false);
    }
    const stats = await system.stats();
    for (const [id, st] of Object.entries(stats)) expect([id, st.ninInUrl]).toEqual([id, 0]);
  });

  it("filters a hospital's laboratory results by analysis code, under the argument's new name and its deprecated one", async () => {
    const nin = demoPatient('homeCare').nin;
    const query = (argument: string) => `query($nin: String!${argument ? ', $c: String' : ''}) { patient(nin: $nin) { hospitalRecords { labResults${argument} { code { code } } } } }`;
    type Answer = GraphQLResponse<{ patient: { hospitalRecords: { labResults: { code: { code: string } }[] }[] } }>;
    const all = (await system.query(query(''), { nin }, 'hospital-doctor')) as Answer;
    const codes = all.body.data?.patient.hospitalRecords.flatMap((h) => h.labResults.map((l) => l.code.code)) ?? [];
    expect(codes.length).toBeGreaterThan(1);
    const wanted = codes[0] as string;
    for (const argument of ['(code: $c)', '(loinc: $c)']) {
      const filtered = (await system.query(query(argument), { nin, c: wanted }, 'hospital-doctor')) as Answer;
      const got = filtered.body.data?.patient.hospitalRecords.flatMap((h) => h.labResults.map((l) => l.code.code)) ?? [];
      expect([argument, got.length > 0 && got.every((c) => c === wanted), got.length]).toEqual([argument, true, codes.filter((c) => c === wanted).length]);
    }
  });
});
