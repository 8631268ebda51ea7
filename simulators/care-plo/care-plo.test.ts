import { createCarePloAdapter } from '../../adapters/care-plo/client';
import { buildRequest } from '../../adapters/care-plo/request';
import { AdapterKit, parseXml, SourceError } from '../../adapters/kit';
import { receiptsSettled } from '../../adapters/kit/appRec';
import { loadOrganisations, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, doseText, getPopulationIndex } from '../population';
import { instantOf } from '../population/clock';
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
  // Receipts of the test are delivered before the counts are reset.
  await receiptsSettled();
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
    // One read, and one call acknowledging its four answers by AppRec 1.0 (OK), each matching an answer sent.
    await receiptsSettled();
    expect(sim.stats.byRoute).toEqual({ 'POST /plo/helseopplysninger': 1, 'POST /plo/applikasjonskvittering': 1 });
    expect(sim.stats.observed).toEqual({ 'apprec:1': 4 });
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

  it('answers the record of a patient who moved away: kept by the municipality, its services ended with the move', async () => {
    const moved = demoPatient('moved');
    const record = (await adapter().read([moved.nin])).get(moved.nin)!;
    const truth = moved.earlierCareRecords!.find((r) => r.municipality === '5001')!;
    expect(record.services.map((s) => [s.id, s.start, s.end])).toEqual(truth.services.map((s) => [s.id, s.start, s.end]));
    expect(record.services.every((s) => s.end === moved.residentSince)).toBe(true);
    expect(record.plannedVisits ?? []).toEqual([]);
  });

  it('sends the care team with names and the units\' HER-ids, and the next round at the nursing home dated ahead of today', async () => {
    const record = (await adapter().read([nursingHome.nin])).get(nursingHome.nin)!;
    const truth = nursingHome.careRecord!;
    const herId = { 'Hjemmesykepleien sentrum': '82303', 'Ila helse- og velferdssenter': '82311', 'Koordinerende enhet': '82320' } as Record<string, string>;
    expect(record.careTeam?.map((m) => [m.role, m.hprNumber, m.service, m.herId, m.start, m.end])).toEqual(truth.careTeam.map((m) => [m.role, m.hprNumber, m.unit, herId[m.unit], m.start, m.end]));
    expect(record.careTeam?.every((m) => m.name !== null)).toBe(true);
    expect(record.plannedVisits?.map((v) => [v.time, v.title, v.service])).toEqual(truth.plannedVisits.map((v) => [instantOf(v.at), 'Planlagt besøk: Legevisitt', 'Ila helse- og velferdssenter']));
    expect(record.plannedVisits?.every((v) => Date.parse(v.time) > Date.now())).toBe(true);
    await receiptsSettled();
  });

  it('sends the individual plan in the extract: participants outside health care with their consents, one of them ended, and the next meeting ahead of today', async () => {
    const sara = population.population.persons.find((p) => p.givenName === 'Sara' && p.familyName === 'Moe')!;
    const truth = sara.careRecord!.individualPlan!;
    const plan = (await adapter().read([sara.nin])).get(sara.nin)?.individualPlan;
    expect(plan?.measures.map((m) => [m.id, m.status, m.responsible.sector])).toEqual(truth.measures.map((m) => [m.id, m.status.toUpperCase(), m.responsible.sector]));
    expect(plan?.coordinator).toMatchObject({ hprNumber: truth.coordinator.hprNumber, service: 'Koordinerende enhet', herId: '82320' });
    const today = new Date().toISOString().slice(0, 10);
    expect(plan?.participants.filter((p) => p.consent).map((p) => [p.service, (p.consent?.to ?? '') > today])).toEqual([
      ['Charlottenlund ungdomsskole', true],
      ['PP-tjenesten i Trondheim', true],
      ['Barneverntjenesten i Trondheim', false],
    ]);
    expect(plan?.nextMeeting?.time).toBe(instantOf(truth.nextMeeting!.at));
    await receiptsSettled();
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

  it('refuses a call it cannot read as messages with 400 and a Feilmelding', async () => {
    const valid = buildRequest([{ msgId: 'm-2', nin: nursingHome.nin }], options);
    const cases: [string, string][] = [
      [valid, 'application/json'],
      ['<MeldingListe><MsgHead>', 'application/xml'],
      // A message a receipt could not refer to (no MsgId) or address (no HER-id).
      [valid.replace(/<mh:MsgId>m-2<\/mh:MsgId>/, ''), 'application/xml'],
      [valid.replace(/(<mh:Sender>[\s\S]*?<mh:TypeId V=")HER/, '$1ENH'), 'application/xml'],
      [valid.replace(/<mh:MsgHead>[\s\S]*<\/mh:MsgHead>/, ''), 'application/xml'],
      ['<?xml version="1.0"?><Annet/>', 'application/xml'],
    ];
    for (const [body, contentType] of cases) {
      if (contentType === 'application/xml') expect(body).not.toBe(valid);
      const response = await post(body, contentType);
      expect(response.status).toBe(400);
      expect(await feilkode(response)).toEqual(expect.any(String));
    }
  });

  it.each([
    ['a message to another receiver than this service', (b: string) => b.replace(/(<mh:Receiver>[\s\S]*?<mh:Id>)95001/, '$195002'), 'E21'],
    ['a request without its patient', (b: string) => b.replace(/<mh:Patient>[\s\S]*<\/mh:Patient>/, ''), 'T02'],
    ['a request whose identity number is malformed', (b: string) => b.replace(`<mh:Id>${nursingHome.nin}</mh:Id>`, '<mh:Id>123</mh:Id>'), 'T02'],
    ['another message type than DIALOG_FORESPORSEL', (b: string) => b.replace('V="DIALOG_FORESPORSEL"', 'V="DIALOG_SVAR"'), 'T10'],
    // Dialogmelding 1.0 with a topic of 1.1's list (Volven 7322), and without the purpose a request for health information states.
    ['a topic of Dialogmelding 1.1 (Volven 7322)', (b: string) => b.replace('<dia:TypeForesp V="1" S="2.16.578.1.12.4.1.1.9152"', '<dia:TypeForesp V="8" S="2.16.578.1.12.4.1.1.7322"'), 'T99'],
    ['a request without its purpose (Formål)', (b: string) => b.replace(/<dia:Formål [^>]*\/>/, ''), 'T99'],
  ])('refuses %s by AppRec 1.0 (status 2, an error of 8221) in place of its answer, answering the rest', async (_what, edit, code) => {
    const valid = buildRequest([{ msgId: 'm-1', nin: nursingHome.nin }, { msgId: 'm-2', nin: bergen.nin }], options);
    const [first] = valid.match(/<mh:MsgHead>[\s\S]*?<\/mh:MsgHead>/) ?? [''];
    const body = valid.replace(first, edit(first));
    expect(body).not.toBe(valid);
    const response = await post(body);
    expect(response.status).toBe(200);
    const list = parseXml(await response.text(), ['MsgHead', 'AppRec']).MeldingListe;
    expect((list as { MsgHead: { MsgInfo: { ConversationRef: { RefToParent: string } } }[] }).MsgHead.map((m) => m.MsgInfo.ConversationRef.RefToParent)).toEqual(['m-2']);
    const appRecs = (list as { AppRec: unknown[] }).AppRec;
    expect(appRecs).toHaveLength(1);
    expect(appRecs[0]).toMatchObject({
      MsgType: { '@_V': 'APPREC' },
      MIGversion: '1.0 2004-11-21',
      Sender: { HCP: { Inst: { Id: '95001', TypeId: { '@_V': 'HER' } } } },
      Receiver: { HCP: { Inst: { Id: '90001', TypeId: { '@_V': 'HER' } } } },
      Status: { '@_V': '2', '@_DN': 'Avvist' },
      Error: { '@_V': code, '@_S': '2.16.578.1.12.4.1.1.8221' },
      OriginalMsgId: { MsgType: { '@_V': code === 'T10' ? 'DIALOG_SVAR' : 'DIALOG_FORESPORSEL' }, IssueDate: /<mh:GenDate>([^<]+)</.exec(first)?.[1], Id: 'm-1' },
    });
    expect(JSON.stringify(appRecs)).not.toContain(nursingHome.nin);
  });

  it('takes application receipts on their own endpoint, counts each by status and error, an unknown one as unmatched, and refuses what is not an AppRec 1.0', async () => {
    const appRec = (id: string, status: string, error = '') =>
      `<ar:AppRec><ar:MsgType V="APPREC"/><ar:MIGversion>1.0 2004-11-21</ar:MIGversion><ar:GenDate>2026-12-06T10:00:00</ar:GenDate><ar:Id>r-${id}</ar:Id><ar:Sender><ar:HCP><ar:Inst><ar:Id>90001</ar:Id><ar:TypeId V="HER"/></ar:Inst></ar:HCP></ar:Sender><ar:Receiver><ar:HCP><ar:Inst><ar:Id>95001</ar:Id><ar:TypeId V="HER"/></ar:Inst></ar:HCP></ar:Receiver><ar:Status V="${status}"/>${error}<ar:OriginalMsgId><ar:MsgType V="DIALOG_SVAR"/><ar:IssueDate>2026-12-06T09:00:00</ar:IssueDate><ar:Id>${id}</ar:Id></ar:OriginalMsgId></ar:AppRec>`;
    const list = (recs: string) => `<op:KvitteringListe xmlns:op="http://www.omsorgplo.example/ws/plo/2014-04" xmlns:ar="http://www.kith.no/xmlstds/apprec/2004-11-21">${recs}</op:KvitteringListe>`;
    const receipt = (body: string) => fetch(`${sim.url}/plo/applikasjonskvittering`, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body });
    const unknown = await receipt(list(appRec('never-sent', '2', '<ar:Error V="E31" S="2.16.578.1.12.4.1.1.8221"/>')));
    expect(unknown.status).toBe(202);
    expect(sim.stats.observed).toEqual({ 'apprec:unmatched': 1 });
    for (const body of [list(appRec('x', '1', '<ar:Error V="E31" S="2.16.578.1.12.4.1.1.8221"/>')), list(appRec('x', '2', '<ar:Error V="E31" S="2.16.578.1.12.4.1.1.8222"/>')), list(''), '<Annet/>', '']) {
      const refused = await receipt(body);
      expect(refused.status).toBe(400);
      expect(await feilkode(refused)).toBe('UGYLDIG_KVITTERING');
    }
    // An answer the service sent, acknowledged: counted by its status and error.
    const response = await post(buildRequest([{ msgId: 'm-9', nin: bergen.nin }], options));
    const answer = /<mh:GenDate>([^<]+)<\/mh:GenDate>\s*<mh:MsgId>([^<]+)</.exec(await response.text())!;
    const acknowledged = appRec(answer[2]!, '2', '<ar:Error V="E31" S="2.16.578.1.12.4.1.1.8221" DN="Pasientens fødselsnummer er feil"/>').replace('2026-12-06T09:00:00', answer[1]!);
    expect((await receipt(list(acknowledged))).status).toBe(202);
    expect(sim.stats.observed).toEqual({ 'apprec:unmatched': 1, 'apprec:2:E31': 1 });
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
