import { AdapterKit } from '../../adapters/kit';
import { createPractitionerRegisterAdapter } from '../../adapters/practitioner-register/client';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { GET_PERSONS, HPR_PATH, practitionerRegisterSimulator } from '.';
import { sourceFailure } from '../../adapters/kit/testing';

const logger = createLogger('test');
const orgs = loadOrganisations();
const population = getPopulationIndex();
const SOAP12 = 'application/soap+xml; charset=utf-8';
const ARRAYS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';

function instanceConfig(id: string, options: Record<string, unknown>): InstanceConfig {
  return { id, system: 'practitioner-register', baseUrl: 'http://127.0.0.1:0', timeoutMs: 2000, options };
}

async function startSim(id: string, options: Record<string, unknown> = {}): Promise<SimulatedInstance> {
  const context = { instance: instanceConfig(id, options), orgs, population };
  const sim = new SimulatedInstance(practitionerRegisterSimulator, context, { mode: 'normal', latencyMs: 0 }, logger);
  await sim.start(0);
  return sim;
}

function adapterFor(sim: SimulatedInstance, options: { username?: string; password?: string } = {}) {
  return createPractitionerRegisterAdapter({ ...instanceConfig(sim.id, {}), baseUrl: sim.url }, options, new AdapterKit(logger));
}

async function post(sim: SimulatedInstance, items: string, action = GET_PERSONS) {
  const body =
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetPersons xmlns="http://register.nhn.no/Hpr">` +
    `<hprNumbers xmlns:a="${ARRAYS}">${items}</hprNumbers></GetPersons></s:Body></s:Envelope>`;
  const response = await fetch(`${sim.url}${HPR_PATH}`, { method: 'POST', headers: { 'Content-Type': `${SOAP12}; action="${action}"` }, body });
  return { status: response.status, text: await response.text() };
}


describe('practitioner register simulator with the real adapter', () => {
  let sim: SimulatedInstance;
  let secured: SimulatedInstance;

  beforeAll(async () => {
    sim = await startSim('practitioner-register');
    secured = await startSim('practitioner-register-secured', { username: 'hpr-user', password: 'hpr-pass' });
  });
  afterAll(async () => {
    await sim.close();
    await secured.close();
  });
  afterEach(async () => {
    await sim.setBehaviour({ mode: 'normal' });
    sim.resetStats();
  });

  it('answers a batch of practitioners in one call, as the population holds them', async () => {
    const gpHpr = demoPatient('homeCare').gp?.hprNumber ?? '';
    const gp = population.practitioners.get(gpHpr);
    const nurse = population.population.practitioners.find((p) => p.profession === 'SP');
    const geriatrician = population.population.practitioners.find((p) => p.speciality === 'Geriatri');
    const result = await adapterFor(sim).read([gpHpr, nurse?.hprNumber ?? '', geriatrician?.hprNumber ?? '', '1000000']);

    expect(sim.stats.requests).toBe(1);
    // The doctor's licence before the authorisation is in the answer, but lapsed: only the authorisation maps.
    expect(result.get(gpHpr)).toEqual({
      hprNumber: gpHpr,
      name: { given: gp?.givenName, middle: null, family: gp?.familyName },
      authorisations: [{ profession: 'LE', professionText: 'Lege', validFrom: gp?.authorisedSince }],
      specialities: ['Allmennmedisin'],
    });
    expect(result.get(nurse?.hprNumber ?? '')).toMatchObject({
      authorisations: [{ profession: 'SP', professionText: 'Sykepleier', validFrom: nurse?.authorisedSince }],
      specialities: [],
    });
    expect(result.get(geriatrician?.hprNumber ?? '')?.specialities).toEqual(['Geriatri']);
    expect(result.get('1000000')).toBeNull();
  });

  it("writes codes as the register's Kode elements (Aktiv, Beskrivelse, OID, Verdi) and the lapsed licence", async () => {
    const answer = await post(sim, `<a:int>${demoPatient('homeCare').gp?.hprNumber ?? ''}</a:int>`);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('<a:Helsepersonellkategori><a:Aktiv>true</a:Aktiv><a:Beskrivelse>Lege</a:Beskrivelse><a:OID>9060</a:OID><a:Verdi>LE</a:Verdi></a:Helsepersonellkategori>');
    expect(answer.text).toMatch(/<a:Beskrivelse>Lisens<\/a:Beskrivelse><a:OID>7704<\/a:OID><a:Verdi>2<\/a:Verdi><\/a:Autorisasjon><a:Gyldig><a:Aktiv>false<\/a:Aktiv>/);
    expect(answer.text).not.toMatch(/ V="/);
    expect(answer.text).toContain('<a:Mellomnavn i:nil="true"/>');
  });

  it('refuses what WCF could not deserialize, an unknown action and a batch larger than 200 with Sender faults, HTTP 500', async () => {
    const notInt = await post(sim, '<a:int>HPR-1</a:int>');
    expect(notInt.status).toBe(500);
    expect(notInt.text).toContain('a:DeserializationFailed');

    const wrongType = await post(sim, '<a:string>9217889</a:string>');
    expect(wrongType.text).toContain('a:DeserializationFailed');

    const unknown = await post(sim, '', 'http://register.nhn.no/Hpr/IHprService/GetPerson');
    expect(unknown.status).toBe(500);
    expect(unknown.text).toContain('a:ActionNotSupported');

    const tooMany = await post(sim, Array.from({ length: 201 }, (_, i) => `<a:int>${1_000_000 + i}</a:int>`).join(''));
    expect(tooMany.status).toBe(500);
    expect(tooMany.text).toContain('At most 200');
  });

  it('requires a WS-Security UsernameToken where the instance has credentials', async () => {
    const hpr = demoPatient('homeCare').gp?.hprNumber ?? '';
    expect((await sourceFailure(adapterFor(secured).read([hpr]))).code).toBe('SOURCE_UNAVAILABLE');
    const right = await adapterFor(secured, { username: 'hpr-user', password: 'hpr-pass' }).read([hpr]);
    expect(right.get(hpr)?.hprNumber).toBe(hpr);
  });

  it('reports its fault modes to the adapter as the matching source errors', async () => {
    const hpr = demoPatient('homeCare').gp?.hprNumber ?? '';
    await sim.setBehaviour({ mode: 'fail' });
    expect((await sourceFailure(adapterFor(sim).read([hpr]))).code).toBe('SOURCE_UNAVAILABLE');
    await sim.setBehaviour({ mode: 'invalid' });
    expect((await sourceFailure(adapterFor(sim).read([hpr]))).code).toBe('SOURCE_BAD_RESPONSE');
    await sim.setBehaviour({ mode: 'garbage' });
    expect((await sourceFailure(adapterFor(sim).read([hpr]))).code).toBe('SOURCE_BAD_RESPONSE');
  });
});
