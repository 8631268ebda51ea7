import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIRST_QUERY_FILE } from '../../gateway/playground';
import { demoPatient, getPopulation } from '../../simulators/population';
import { allErrors, TestSystem, type GraphQLResponse } from './harness';

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
  system = await TestSystem.start();
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const homeCare = demoPatient('homeCare');

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
    expect(p.careRecord.services.map((s: { description: string }) => s.description)).toEqual(expect.arrayContaining([expect.stringMatching(/hjemmesykepleie/i)]));
    expect(p.careRecord.visits).toHaveLength(2);
    // GP
    expect(p.gpRecord.consultations.length).toBeGreaterThan(0);
    // hospital
    expect(p.hospitalRecords).toEqual([
      expect.objectContaining({ hospital: 'Haukeland universitetssjukehus', encounters: [expect.objectContaining({ class: 'INPATIENT', department: 'Hjerteavdelingen' })] }),
    ]);
    // national
    expect(p.summaryRecord.criticalInformation).toEqual([expect.objectContaining({ type: 'ALLERGY', text: 'Penicilliner' })]);
    // every source answered
    expect(new Set(p.sources.map((s: { sector: string }) => s.sector))).toEqual(new Set(['REGISTRY', 'MUNICIPAL_CARE', 'GP', 'HOSPITAL', 'NATIONAL']));
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
  });

  it('puts events from every sector on one timeline, newest first', async () => {
    const { body } = await query(`query($nin: String!) { patient(nin: $nin) { timeline(first: 500) { date sector kind title } } }`, { nin: homeCare.nin });
    const events = body.data?.patient.timeline as { date: string; sector: string; kind: string }[];
    const dates = events.map((e) => e.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(new Set(events.map((e) => e.sector))).toEqual(new Set(['GP', 'HOSPITAL', 'MUNICIPAL_CARE', 'NATIONAL']));
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
      `query($nin: String!) { patient(nin: $nin) { name { text } address { street } addressProtection municipality { name } gpRecord { office } } }`,
      { nin: demoPatient('strictlyConfidential').nin },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.patient).toEqual({
      name: { text: 'Silje Brekke' },
      address: null,
      addressProtection: 'STRICTLY_CONFIDENTIAL',
      municipality: null,
      gpRecord: { office: 'Midtbyen legesenter' },
    });
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
    expect(documents.filter((d) => d.blocked)).toEqual([{ blocked: true, title: null, text: null, author: null }]);
    expect(documents.find((d) => !d.blocked).text).toMatch(/Poliklinisk kontroll/);
  });

  it('answers a 50-patient worklist with one call per source, not fifty', async () => {
    const nins = getPopulation().persons.slice(0, 50).map((p) => p.nin);
    await system.reset();
    const { body } = await query(
      `query($nins: [String!]!) { patients(nins: $nins) { nin name { family } gpRecord { office } careRecord { municipality }
        hospitalRecords { hospital } summaryRecord { criticalInformation { type } } } }`,
      { nins },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.patients).toHaveLength(50);
    const stats = await system.stats();
    expect(stats['population-register']?.requests).toBe(1);
    expect(stats['gp-register']?.requests).toBe(1);
    for (const id of ['gp-nordlys-vest', 'gp-fjord-vest', 'gp-nordlys-midt', 'gp-fjord-midt']) expect(stats[id]?.requests).toBeLessThanOrEqual(1);
    for (const id of ['hospital-haukeland', 'hospital-stolav']) expect(stats[id]?.byRoute['POST /fhir/Patient/_search']).toBe(1);
    expect(stats['care-trondheim']?.requests).toBeLessThanOrEqual(1);
    // The summary record needs a ticket call and a data call, whatever the number of patients.
    expect(stats['summary-record']?.requests).toBeLessThanOrEqual(2);
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
      expect(body.errors).toBeUndefined();
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
    const hidden = await query('{ patient(nin: "03864013065") { routingMunicipality } }');
    expect(hidden.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const variables = await query('query($nin: String!) { patient(nin: $nin) { nin } }', {});
    expect(variables.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const get = await fetch(`${system.system.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(405);
    expect(((await get.json()) as any).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('leaks no stack trace and no identity number in any error, and no identity number reached a URL', async () => {
    const errors = allErrors(responses);
    expect(errors.length).toBeGreaterThan(5);
    for (const error of errors) {
      expect(JSON.stringify(error)).not.toMatch(/stacktrace|exception|\bat .+\.ts:\d+/);
      expect(error.message).not.toMatch(/\d{11}/);
    }
    const stats = await system.stats();
    for (const [id, s] of Object.entries(stats)) expect([id, s.ninInUrl]).toEqual([id, 0]);
  });
});

// Keep the path import used for editors that resolve fixtures relative to this file.
void path;
