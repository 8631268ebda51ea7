import { createCarePloAdapter } from '../../adapters/care-plo/client';
import { buildRequest } from '../../adapters/care-plo/request';
import { AdapterKit, parseXml, SourceError } from '../../adapters/kit';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, doseText, getPopulationIndex } from '../population';
import { carePloSimulator } from '.';

const logger = createLogger('test');
const population = getPopulationIndex();
const options = { senderHerId: '90001', receiverHerId: '95001' };
const config: InstanceConfig = { id: 'care-trondheim', system: 'care-plo', baseUrl: 'http://127.0.0.1', timeoutMs: 2000, options };
const sim = new SimulatedInstance(carePloSimulator, { instance: config, orgs: loadOrganisations(), population }, { mode: 'normal', latencyMs: 0 }, logger);

const nursingHome = demoPatient('nursingHome');
const otherTrondheim = population.population.persons.find((p) => p.careRecord?.municipality === '5001' && !p.demo)!;
const bergen = demoPatient('homeCare');
const noCare = demoPatient('strictlyConfidential');

let instance: InstanceConfig;
const adapter = () => createCarePloAdapter(instance, options, new AdapterKit(logger));
const post = (body: string, contentType = 'application/xml') =>
  fetch(`${sim.url}/plo/helseopplysninger`, { method: 'POST', headers: { 'Content-Type': contentType }, body });

beforeAll(async () => {
  await sim.start(0);
  instance = { ...config, baseUrl: sim.url };
});
afterEach(async () => {
  await sim.setBehaviour({ mode: 'normal' });
  sim.resetStats();
});
afterAll(() => sim.close());

/** The error code of a Feilmelding answer. */
async function feilkode(response: Response): Promise<unknown> {
  const doc = parseXml(await response.text());
  return (doc.Feilmelding as { Kode: { '@_V': string } } | undefined)?.Kode['@_V'];
}

describe('care-plo simulator with the care-plo adapter', () => {
  it('answers one message for several patients with the records of its own municipality', async () => {
    const result = await adapter().read([nursingHome.nin, otherTrondheim.nin, bergen.nin, noCare.nin]);
    // (The kit's route counter folds a long last path segment into `:id`, so the total is counted.)
    expect(sim.stats.requests).toBe(1);
    expect(sim.stats.ninInUrl).toBe(0);
    // Bergen runs its own system; the other patient receives no municipal care.
    expect(result.get(bergen.nin)).toBeNull();
    expect(result.get(noCare.nin)).toBeNull();
    expect(result.get(otherTrondheim.nin)).not.toBeNull();

    const record = result.get(nursingHome.nin)!;
    const truth = nursingHome.careRecord!;
    expect(record.services.map((s) => [s.id, s.type, s.start, s.end, s.hoursPerWeek])).toEqual(
      truth.services.map((s) => [s.id, s.type, s.start, s.end, s.hoursPerWeek]),
    );
    expect(record.services[1]?.description).toBe('Langtidsopphold i institusjon');
    // Local time without offset on the wire, the population's own instants after mapping.
    expect(record.visits.map((v) => v.time)).toEqual(truth.visits.map((v) => v.time).sort().reverse());
    expect([...record.administrations.map((a) => a.time)].sort()).toEqual(truth.administrations.map((a) => a.time).sort());
    expect(record.medications.map((m) => m.dose?.text)).toEqual(truth.medications.map((m) => doseText(m)));
    expect(record.functionalAssessment?.scores).toEqual(truth.functionalScores?.scores);
    expect(record.nextOfKin.map((k) => k.name)).toEqual(truth.nextOfKin.map((k) => k.name));
  });

  it('answers each request with its own MsgHead: HELSEOPPLYSNINGER_LEGE for a patient it holds, DIALOG_SVAR otherwise', async () => {
    const response = await post(buildRequest([{ msgId: 'm-1', nin: nursingHome.nin }, { msgId: 'm-2', nin: bergen.nin }], options));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await response.text();
    const heads = xml.match(/<mh:MsgHead>[\s\S]*?<\/mh:MsgHead>/g) ?? [];
    expect(heads).toHaveLength(2);
    expect(heads[0]).toContain('V="HELSEOPPLYSNINGER_LEGE"');
    expect(heads[0]).toContain('<mh:RefToParent>m-1</mh:RefToParent>');
    expect(heads[0]).toContain('<HelseopplysningerTilLege xmlns="http://www.kith.no/xmlstds/po/HelseopplysningerTilLege/2012-04-01"');
    expect(heads[0]).toContain(`<mh:FamilyName>${nursingHome.familyName}</mh:FamilyName>`);
    // Date-times as local time without an offset.
    expect(heads[0]).toMatch(/<Tidspunkt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}<\/Tidspunkt>/);
    // A patient of another municipality: the service says it holds nothing, and does not name them.
    expect(heads[1]).toContain('V="DIALOG_SVAR"');
    expect(heads[1]).toContain('<mh:RefToParent>m-2</mh:RefToParent>');
    expect(heads[1]).not.toContain('FamilyName');
    expect(heads[1]).not.toContain('Omsorgsuttrekk');
    // Dialogmelding 1.0's answer list (Volven 9069): 3 Har ikke ønskede opplysninger; the request repeated as sent.
    expect(heads[1]).toContain('<dia:TemaKodet V="3" S="2.16.578.1.12.4.1.1.9069" DN="Har ikke ønskede opplysninger"/>');
    expect(heads[1]).toContain('<dia:TypeForesp V="1" S="2.16.578.1.12.4.1.1.9152" DN="Helseopplysninger"/>');
  });

  it('refuses requests that are not well-formed PLO messages with 400 and a Feilmelding', async () => {
    const valid = buildRequest([{ msgId: 'm-2', nin: nursingHome.nin }], options);
    const cases: [string, string][] = [
      [valid, 'application/json'],
      ['<MeldingListe><MsgHead>', 'application/xml'],
      [valid.replace(/<mh:MsgId>m-2<\/mh:MsgId>/, ''), 'application/xml'],
      [valid.replace(/<mh:Receiver>[\s\S]*?<mh:Id>95001<\/mh:Id>/, (m) => m.replace('95001', '95002')), 'application/xml'],
      [valid.replace(/<mh:Patient>[\s\S]*<\/mh:Patient>/, ''), 'application/xml'],
      [valid.replace(`<mh:Id>${nursingHome.nin}</mh:Id>`, '<mh:Id>123</mh:Id>'), 'application/xml'],
      [valid.replace('V="DIALOG_FORESPORSEL"', 'V="DIALOG_SVAR"'), 'application/xml'],
      [valid.replace(/<mh:MsgHead>[\s\S]*<\/mh:MsgHead>/, ''), 'application/xml'],
      // Dialogmelding 1.0 with a topic of 1.1's list (Volven 7322), and without the purpose a request for health information states.
      [valid.replace('<dia:TypeForesp V="1" S="2.16.578.1.12.4.1.1.9152"', '<dia:TypeForesp V="8" S="2.16.578.1.12.4.1.1.7322"'), 'application/xml'],
      [valid.replace(/<dia:Formål [^>]*\/>/, ''), 'application/xml'],
      ['<?xml version="1.0"?><Annet/>', 'application/xml'],
    ];
    for (const [body, contentType] of cases) {
      if (contentType === 'application/xml') expect(body).not.toBe(valid);
      const response = await post(body, contentType);
      expect(response.status).toBe(400);
      expect(await feilkode(response)).toEqual(expect.any(String));
    }
  });

  it('refuses a sender that is not a registered communication partner with 403', async () => {
    const response = await post(buildRequest([{ msgId: 'm-3', nin: nursingHome.nin }], { ...options, senderHerId: '12345' }));
    expect(response.status).toBe(403);
    expect(await feilkode(response)).toBe('UKJENT_AVSENDER');
  });

  it.each([
    ['fail', 'SOURCE_UNAVAILABLE'],
    ['invalid', 'SOURCE_BAD_RESPONSE'],
    ['garbage', 'SOURCE_BAD_RESPONSE'],
  ] as const)('mode %s reaches the adapter as %s', async (mode, code) => {
    await sim.setBehaviour({ mode });
    const error = await adapter().read([nursingHome.nin]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe(code);
  });
});
