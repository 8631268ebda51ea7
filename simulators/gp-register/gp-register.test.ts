import { createGpRegisterAdapter, getPatientsGpDetails } from '../../adapters/gp-register/client';
import { wcfEnvelope } from '../../adapters/kit/wcf';
import { AdapterKit } from '../../adapters/kit';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { FLR_PATH, GET_PATIENTS_GP_DETAILS, gpRegisterSimulator } from '.';
import { sourceFailure } from '../../adapters/kit/testing';

const logger = createLogger('test');
const orgs = loadOrganisations();
const population = getPopulationIndex();
const SOAP12 = 'application/soap+xml; charset=utf-8';
const ARRAYS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';

function instanceConfig(id: string, options: Record<string, unknown>): InstanceConfig {
  return { id, system: 'gp-register', baseUrl: 'http://127.0.0.1:0', timeoutMs: 2000, options };
}

async function startSim(id: string, options: Record<string, unknown> = {}): Promise<SimulatedInstance> {
  const sim = new SimulatedInstance(gpRegisterSimulator, { instance: instanceConfig(id, options), orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
  await sim.start(0);
  return sim;
}

function adapterFor(sim: SimulatedInstance, options: { username?: string; password?: string } = {}) {
  return createGpRegisterAdapter({ ...instanceConfig(sim.id, {}), baseUrl: sim.url }, options, new AdapterKit(logger));
}

/** A raw SOAP 1.2 request, for the refusals the adapter never provokes. */
function envelope(body: string, soapNs = 'http://www.w3.org/2003/05/soap-envelope'): string {
  return `<s:Envelope xmlns:s="${soapNs}"><s:Body>${body}</s:Body></s:Envelope>`;
}
const operation = (items: string, ns = 'http://register.nhn.no/Fastlege') =>
  `<GetPatientsGPDetails xmlns="${ns}"><patientNins xmlns:a="${ARRAYS}">${items}</patientNins></GetPatientsGPDetails>`;

async function post(sim: SimulatedInstance, body: string, contentType = `${SOAP12}; action="${GET_PATIENTS_GP_DETAILS}"`) {
  const response = await fetch(`${sim.url}${FLR_PATH}`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}


describe('GP register simulator with the real adapter', () => {
  let sim: SimulatedInstance;
  let secured: SimulatedInstance;

  beforeAll(async () => {
    sim = await startSim('gp-register');
    secured = await startSim('gp-register-secured', { username: 'flr-user', password: 'flr-pass' });
  });
  afterAll(async () => {
    await sim.close();
    await secured.close();
  });
  afterEach(async () => {
    await sim.setBehaviour({ mode: 'normal' });
    sim.resetStats();
  });

  it('answers the listings of a batch of demo patients in one call, as the population holds them', async () => {
    const homeCare = demoPatient('homeCare');
    const nursingHome = demoPatient('nursingHome');
    const unlisted = population.population.persons.find((p) => p.gp === null);
    expect(unlisted).toBeDefined();
    const result = await adapterFor(sim).read([homeCare.nin, nursingHome.nin, unlisted?.nin ?? '', '01010112345']);

    expect(sim.stats.requests).toBe(1);
    expect(sim.stats.ninInUrl).toBe(0);
    const gp = population.practitioners.get(homeCare.gp?.hprNumber ?? '');
    expect(result.get(homeCare.nin)).toEqual({
      gpHprNumber: homeCare.gp?.hprNumber,
      gpName: { given: gp?.givenName, middle: null, family: gp?.familyName },
      office: { herId: '81241', name: 'Nordnes legekontor', orgNumber: '923456783', recordSystem: 'Nordlys Journal' },
      since: homeCare.gp?.since,
    });
    // Byåsen's office runs on gp-fjord-midt, whose dialect is soap12.
    expect(result.get(nursingHome.nin)?.office).toMatchObject({ herId: '82113', recordSystem: 'Fjord EPJ' });
    expect(result.get(unlisted?.nin ?? '')).toBeNull();
    expect(result.get('01010112345')).toBeNull();
  });

  it("answers a patient's earlier listings beside today's, closed, so that the graph routes to the earlier offices too", async () => {
    const changed = demoPatient('changedGp');
    const moved = demoPatient('moved');
    const result = await adapterFor(sim).read([changed.nin, moved.nin, demoPatient('homeCare').nin]);
    expect(sim.stats.requests).toBe(1);
    const earlier = changed.earlierGpListings?.[0];
    expect(result.get(changed.nin)).toMatchObject({ office: { herId: '81241' }, since: changed.gp?.since });
    expect(result.get(changed.nin)?.history).toEqual([
      { gpHprNumber: earlier?.hprNumber, office: { herId: '81242', name: 'Sandviken legesenter', orgNumber: '934567897' }, from: earlier?.from, to: earlier?.to },
    ]);
    // Lade legekontor in Trondheim, until she moved to Bergen.
    expect(result.get(moved.nin)?.history?.map((h) => [h.office.herId, h.to])).toEqual([['82112', moved.residentSince]]);
    expect(result.get(demoPatient('homeCare').nin)?.history).toBeUndefined();
  });

  it('writes WCF data-contract XML: alphabetical members, i:nil for the open period, DateTime text, reply action', async () => {
    const homeCare = demoPatient('homeCare');
    const answer = await post(sim, envelope(operation(`<a:string>${homeCare.nin}</a:string>`)));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe(SOAP12);
    expect(answer.text).toContain(`<a:Action s:mustUnderstand="1">${GET_PATIENTS_GP_DETAILS}Response</a:Action>`);
    expect(answer.text).toMatch(/<a:PatientToGPContractAssociation><a:GP>.*<\/a:GP><a:GPContract>.*<a:PatientNIN>.*<a:Period>/);
    expect(answer.text).toContain(`<a:From>${homeCare.gp?.since}T00:00:00</a:From><a:To i:nil="true"/>`);
  });

  it('refuses a SOAP 1.1 content type with HTTP 415, as WCF does', async () => {
    const answer = await post(sim, envelope(operation('')), 'text/xml; charset=utf-8');
    expect(answer.status).toBe(415);
  });

  it('answers an unknown action with a Sender fault (ActionNotSupported), HTTP 500', async () => {
    const answer = await post(sim, envelope(operation('')), `${SOAP12}; action="http://register.nhn.no/Fastlege/IFlrReadOperations/Delete"`);
    expect(answer.status).toBe(500);
    expect(answer.contentType).toBe(SOAP12);
    expect(answer.text).toContain('<s:Value>s:Sender</s:Value>');
    expect(answer.text).toContain('a:ActionNotSupported');
    expect(answer.text).toContain('ContractFilter mismatch');
  });

  it('answers malformed XML, a SOAP 1.1 envelope and a wrong operation namespace with faults', async () => {
    const malformed = await post(sim, '<s:Envelope><s:Body>');
    expect(malformed.status).toBe(500);
    expect(malformed.text).toContain('s:Sender');

    const soap11 = await post(sim, envelope(operation(''), 'http://schemas.xmlsoap.org/soap/envelope/'));
    expect(soap11.status).toBe(500);
    expect(soap11.text).toContain('s:VersionMismatch');

    const wrongNs = await post(sim, envelope(operation('', 'http://tempuri.org/')));
    expect(wrongNs.status).toBe(500);
    expect(wrongNs.text).toContain('a:DeserializationFailed');
  });

  it('refuses a malformed identity number without quoting it, and a batch larger than 100', async () => {
    const bad = await post(sim, envelope(operation('<a:string>0386401306X</a:string>')));
    expect(bad.status).toBe(500);
    expect(bad.text).toContain('s:Sender');
    expect(bad.text).not.toContain('0386401306X');

    const many = Array.from({ length: 101 }, (_, i) => `<a:string>0101${String(i).padStart(7, '0')}</a:string>`).join('');
    const tooMany = await post(sim, envelope(operation(many)));
    expect(tooMany.status).toBe(500);
    expect(tooMany.text).toContain('At most 100');
  });

  it('requires a WS-Security UsernameToken where the instance has credentials', async () => {
    const nin = demoPatient('homeCare').nin;
    const without = await sourceFailure(adapterFor(secured).read([nin]));
    expect(without.code).toBe('SOURCE_UNAVAILABLE');
    expect(without.message).toBe('gp-register-secured answered a SOAP fault (Sender), subcode InvalidSecurity');
    const wrong = await sourceFailure(adapterFor(secured, { username: 'flr-user', password: 'wrong' }).read([nin]));
    expect(wrong.code).toBe('SOURCE_UNAVAILABLE');
    const right = await adapterFor(secured, { username: 'flr-user', password: 'flr-pass' }).read([nin]);
    expect(right.get(nin)?.office.herId).toBe('81241');
  });

  it("refuses an expired WS-Security timestamp (beyond WCF's five-minute clock skew) and a mismatched WS-Addressing action", async () => {
    const credentials = { username: 'flr-user', password: 'flr-pass' };
    const request = (now: Date, action = GET_PATIENTS_GP_DETAILS) =>
      wcfEnvelope({ action, to: `${secured.url}${FLR_PATH}`, body: getPatientsGpDetails([demoPatient('homeCare').nin]), options: credentials, now });
    expect((await post(secured, request(new Date()))).status).toBe(200);
    const stale = await post(secured, request(new Date(Date.now() - 20 * 60_000)));
    expect(stale.status).toBe(500);
    expect(stale.text).toContain('a:InvalidSecurity');
    const mismatch = await post(secured, request(new Date(), 'http://register.nhn.no/Fastlege/IFlrReadOperations/Other'));
    expect(mismatch.status).toBe(500);
    expect(mismatch.text).toContain('a:ActionMismatch');
  });

  it('reports its fault modes to the adapter as the matching source errors', async () => {
    const nin = demoPatient('homeCare').nin;
    await sim.setBehaviour({ mode: 'fail' });
    expect((await sourceFailure(adapterFor(sim).read([nin]))).code).toBe('SOURCE_UNAVAILABLE');
    await sim.setBehaviour({ mode: 'invalid' });
    expect((await sourceFailure(adapterFor(sim).read([nin]))).code).toBe('SOURCE_BAD_RESPONSE');
    await sim.setBehaviour({ mode: 'garbage' });
    expect((await sourceFailure(adapterFor(sim).read([nin]))).code).toBe('SOURCE_BAD_RESPONSE');
  });
});
