import { createGpKithAdapter } from '../../adapters/gp-kith/client';
import { buildJournalRequest, buildReceipts } from '../../adapters/gp-kith/request';
import { mapJournalResponse } from '../../adapters/gp-kith/mapper';
import { APPREC_ERRORS, ReceiptLedger, receiptsSettled, type AppRecError } from '../../adapters/kit/appRec';
import { testKit } from '../../adapters/kit/testing';
import type { GpKithDialect } from '../../adapters/gp-kith/manifest';
import { soapHeaders } from '../../adapters/kit';
import { instancesOf, loadOrganisations, loadSources } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { withCheckDigits } from '../../lib/nin';
import { validateXml, type XmlDocument } from '../../test/xml/validateXml';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, getPopulationIndex } from '../population';
import { journalResponse } from './journal';
import { gpKithSimulator } from '.';

/**
 * Every KITH message of the GP systems, checked against the XML Schemas in schemas/ (MsgHead v1.2,
 * Dialogmelding 1.0, the journal extract, the vendors' SOAP envelopes), strictly: every DIALOG_FORESPORSEL
 * the adapter sends and every DIALOG_SVAR each of the four instances answers, for every patient listed at
 * every office of the population, and for a number no office knows; and every application receipt (AppRec 1.0)
 * either side sends: the systems' refusals in their answers, the adapter's receipts for the answers it read (and one
 * of each kind it can give). With KITH_XSD_DIR set, the namespaces found there (the official MsgHead-v1_2.xsd, say)
 * are checked against those files instead.
 */
const population = getPopulationIndex();
const orgs = loadOrganisations();
const gpInstances = instancesOf(loadSources()).filter((i) => i.system === 'gp-kith');
const PATH: Record<GpKithDialect, string> = { soap11: '/soap/JournalService', soap12: '/ws/epj' };
const ACTION: Record<GpKithDialect, string> = { soap11: 'http://nordlys.no/journal/HentJournal', soap12: 'urn:fjord-epj:journal:HentJournal' };
const VERSION = { soap11: '1.1', soap12: '1.2' } as const;

const stranger = (() => {
  for (let i = 100; i < 999; i += 1) {
    const nin = withCheckDigits(`020270${i}`);
    if (nin && !population.byNin.has(nin)) return nin;
  }
  throw new Error('no free number');
})();

/** Ways a DIALOG_FORESPORSEL is refused by receipt: a 1.1 topic (T99), another type (T10), no patient (T02), another system's office (E21), no purpose (T99). */
const REFUSALS: ((head: string) => string)[] = [
  (h) => h.replace(/<dia:TypeForesp V="2" S="2.16.578.1.12.4.1.1.9065"/, '<dia:TypeForesp V="8" S="2.16.578.1.12.4.1.1.7322"'),
  (h) => h.replace('V="DIALOG_FORESPORSEL"', 'V="DIALOG_NOTAT"'),
  (h) => h.replace(/<mh:Patient>[\s\S]*?<\/mh:Patient>/, ''),
  (h) => h.replace(/(<mh:Receiver>[\s\S]*?<mh:Id>)\d+/, '$1999'),
  (h) => h.replace(/<dia:Formål [^>]*\/>/, ''),
];
const RECEIPTS: Record<GpKithDialect, string> = { soap11: '/soap/KvitteringService', soap12: '/ws/apprec' };
const receipts: XmlDocument[] = [];
const appRecs = { fromSystems: 0 };
const acknowledged: Record<string, number>[] = [];

const sims = gpInstances.map((instance) => new SimulatedInstance(gpKithSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, createLogger('test')));
const documents: XmlDocument[] = [];
const answered = { requests: 0, answers: 0, withJournal: 0 };

beforeAll(async () => {
  for (const [i, sim] of sims.entries()) {
    const instance = gpInstances[i]!;
    await sim.start(0);
    const dialect = instance.options.dialect as GpKithDialect;
    const offices = orgs.gpOffices.filter((o) => o.instance === instance.id).map((o) => o.herId);
    const keys = offices.flatMap((office) => [
      ...population.population.persons.filter((p) => p.gpRecord?.officeHerId === office).map((p) => ({ nin: p.nin, officeHerId: office })),
      { nin: stranger, officeHerId: office },
    ]);
    for (let start = 0; start < keys.length; start += 100) {
      const messages = keys.slice(start, start + 100).map((k, n) => ({ ...k, msgId: `0e7a5c1d-0000-4000-8000-${String(start + n).padStart(12, '0')}` }));
      const body = buildJournalRequest({ dialect, senderHerId: String(instance.options.senderHerId), genDate: new Date(), messages });
      const response = await fetch(`${sim.url}${PATH[dialect]}`, { method: 'POST', headers: soapHeaders(VERSION[dialect], ACTION[dialect]), body });
      if (response.status !== 200) throw new Error(`${instance.id} answered ${response.status}`);
      const answer = await response.text();
      answered.requests += messages.length;
      answered.answers += (answer.match(/<(?:mh:)?MsgHead\b/g) ?? []).length;
      answered.withJournal += (answer.match(/<(?:ju:)?Journal\b/g) ?? []).length;
      documents.push({ name: `${instance.id} request ${start / 100 + 1}`, xml: body }, { name: `${instance.id} answer ${start / 100 + 1}`, xml: answer });
    }
    // Refusals by application receipt: one batch with a message of each kind the system refuses, and one it answers.
    const refusal = buildJournalRequest({ dialect, senderHerId: String(instance.options.senderHerId), genDate: new Date(), messages: keys.slice(0, 6).map((k, n) => ({ ...k, msgId: `1d2c3b4a-0000-4000-8000-${String(n).padStart(12, '0')}` })) });
    let n = 0;
    const spoilt = refusal.replace(/<mh:MsgHead>[\s\S]*?<\/mh:MsgHead>/g, (head) => REFUSALS[n++]?.(head) ?? head);
    const refused = await fetch(`${sim.url}${PATH[dialect]}`, { method: 'POST', headers: soapHeaders(VERSION[dialect], ACTION[dialect]), body: spoilt });
    const refusedAnswer = await refused.text();
    appRecs.fromSystems += (refusedAnswer.match(/<(?:ar:)?AppRec\b/g) ?? []).length;
    documents.push({ name: `${instance.id} answer with refusals`, xml: refusedAnswer });
    // The adapter's receipts: those it sends after a read (captured on their way out), and one of each refusal.
    const kit = testKit();
    const reachable = { ...instance, baseUrl: sim.url, timeoutMs: 5000 };
    kit.http(reachable).interceptors.request.use((config) => {
      if (String(config.url).endsWith(RECEIPTS[dialect])) receipts.push({ name: `${instance.id} receipts after a read`, xml: String(config.data) });
      return config;
    });
    const adapter = createGpKithAdapter(reachable, { dialect, senderHerId: String(instance.options.senderHerId) }, kit);
    await adapter.read(keys.slice(0, 5));
    await receiptsSettled();
    acknowledged.push(sim.stats.observed ?? {});
    const ledger = new ReceiptLedger();
    const message = { type: { V: 'DIALOG_SVAR', DN: 'Svar på forespørsel' }, genDate: '2026-12-06T10:15:00', msgId: 'a6967e6a-8c0a-4be4-a647-c921d3086423', sender: { herId: keys[0]!.officeHerId, name: 'Legekontor' } };
    ledger.accept(message);
    for (const error of Object.keys(APPREC_ERRORS) as AppRecError[]) ledger.refuse(message, error, 'Test', new Error('test'));
    receipts.push({ name: `${instance.id} receipts of every kind`, xml: buildReceipts(dialect, ledger.appRecs({ herId: '90001', name: 'Patient Graph' }, (x) => `ar:${x}`)) });
  }
  documents.push(...receipts);
}, 60_000);
afterAll(async () => {
  for (const sim of sims) await sim.close();
});

describe('GP system messages against the XML Schemas', () => {
  it('every request and every answer of all four instances validates strictly', async () => {
    const listed = population.population.persons.filter((p) => p.gpRecord).length;
    // Every listed patient is asked for once, plus one unknown number per office; each request is answered.
    expect(answered.requests).toBe(listed + orgs.gpOffices.length);
    expect(answered.answers).toBe(answered.requests);
    expect(answered.withJournal).toBe(listed);
    const report = await validateXml(documents);
    expect(report.failures).toEqual([]);
    expect(report.count).toBe(documents.length);
    // With official schemas given, they were the ones used.
    if (process.env.KITH_XSD_DIR) expect(report.official).toContain('http://www.kith.no/xmlstds/msghead/2006-05-24');
  }, 60_000);

  it('every application receipt (AppRec 1.0) both sides send validates strictly: the systems’ refusals, the adapter’s receipts', async () => {
    // Five refusals in each instance's batch, and the adapter's receipts: after a read (all OK), and one of each kind.
    expect(appRecs.fromSystems).toBe(gpInstances.length * REFUSALS.length);
    expect(receipts.filter((r) => r.name.endsWith('after a read'))).toHaveLength(gpInstances.length);
    // The systems matched each receipt to an answer they sent.
    for (const observed of acknowledged) expect(observed).toEqual({ 'apprec:1': expect.any(Number) });
    const report = await validateXml([...receipts, ...documents.filter((d) => d.name.endsWith('with refusals'))]);
    expect(report.failures).toEqual([]);
  }, 60_000);

  it('is strict about AppRecs: a status outside 8258, an error of another list, an error without its list, a missing OriginalMsgId, elements out of order all fail', async () => {
    const all = receipts.find((r) => r.name.endsWith('of every kind'))!.xml;
    const broken: XmlDocument[] = [
      { name: 'status outside 8258', xml: all.replace('<ar:Status V="1"', '<ar:Status V="9"') },
      { name: 'error of another list', xml: all.replace('S="2.16.578.1.12.4.1.1.8221"', 'S="2.16.578.1.12.4.1.1.8222"') },
      { name: 'error without its list', xml: all.replace(' S="2.16.578.1.12.4.1.1.8221"', '') },
      { name: 'no OriginalMsgId', xml: all.replace(/<ar:OriginalMsgId>[\s\S]*?<\/ar:OriginalMsgId>/, '') },
      { name: 'Status before Receiver', xml: all.replace(/(<ar:Receiver>[\s\S]*?<\/ar:Receiver>)(\s*)(<ar:Status [^>]*\/>)/, '$3$2$1') },
      { name: 'another MIG version', xml: all.replace('<ar:MIGversion>1.0 2004-11-21</ar:MIGversion>', '<ar:MIGversion>v1.1 2012-02-15</ar:MIGversion>') },
    ];
    const report = await validateXml(broken);
    // The official AppRec schema leaves codes and the MIG version open; the project's enumerates them.
    const official = report.official.includes('http://www.kith.no/xmlstds/apprec/2004-11-21');
    expect(report.failures.map((f) => f.name)).toEqual(broken.map((b) => b.name).filter((n) => !official || ['no OriginalMsgId', 'Status before Receiver'].includes(n)));
  }, 60_000);

  it('is strict: a wrong message type, an element out of order, an undeclared content element and a bad date all fail', async () => {
    const answer = documents.find((d) => d.name.startsWith('gp-nordlys-vest answer'))!.xml;
    const fjord = documents.find((d) => d.name.startsWith('gp-fjord-vest answer'))!.xml;
    const broken: XmlDocument[] = [
      { name: 'message type outside 8279', xml: answer.replace('V="DIALOG_SVAR"', 'V="JOURNAL"') },
      { name: 'Patient before Sender', xml: answer.replace(/(<mh:Sender>[\s\S]*?<\/mh:Sender>)([\s\S]*?)(<mh:Patient>[\s\S]*?<\/mh:Patient>)/, '$3$2$1') },
      { name: 'an element the journal schema does not declare', xml: answer.replace('<ju:Consultation>', '<ju:Consultation><ju:Secret>x</ju:Secret>') },
      { name: 'content in an undeclared namespace', xml: answer.replace('http://patient-graph.example/xmlstds/journaluttrekk/2019-06-01', 'urn:unknown') },
      { name: 'a TS date where the 2016 extract has compact text', xml: fjord.replace(/<StartDate>(\d{4})(\d{2})(\d{2})<\/StartDate>/, '<StartDate>$1-$2-$3</StartDate>') },
      { name: 'an instance id where a HER-id belongs', xml: answer.replace('V="HER" S="2.16.578.1.12.4.1.1.9051"', 'V="LOK" S="2.16.578.1.12.4.1.1.9051"') },
    ];
    const report = await validateXml(broken);
    // The official MsgHead schema leaves the code lists open; the project's enumerates them.
    const official = report.official.includes('http://www.kith.no/xmlstds/msghead/2006-05-24');
    const codeListCases = ['message type outside 8279', 'an instance id where a HER-id belongs'];
    expect(report.failures.map((f) => f.name)).toEqual(broken.map((b) => b.name).filter((n) => !official || !codeListCases.includes(n)));
  }, 60_000);

  it('marks what a patient aged 12-15 kept from her parents (Restriction FORELDRE) in both versions of the extract, and takes no other value', async () => {
    const teen = demoPatient('teen');
    const office = orgs.gpOffices.find((o) => o.herId === teen.gpRecord?.officeHerId)!;
    const request = {
      msgId: 'req-teen',
      senderHerId: '90001',
      senderName: 'Patient graph',
      receiverHerId: office.herId,
      nin: teen.nin,
      kind: 'FNR' as const,
      question: 'Journaluttrekk',
      type: { V: '2', S: '2.16.578.1.12.4.1.1.9065', DN: 'Spørsmål om å få overført en eller flere kategorier opplysninger i journalen' },
      purpose: { V: '2', S: '2.16.578.1.12.4.1.1.9068', DN: 'Helsehjelp til pasient som har journal' },
      reason: null,
    };
    const answer = (dialect: GpKithDialect) => journalResponse(dialect, [{ office, request, found: { person: teen, record: teen.gpRecord! } }]);
    const nordlys = answer('soap11');
    const fjord = answer('soap12');
    // The consultation and the prescription.
    expect(nordlys.match(/<ju:Restriction V="FORELDRE"/g)).toHaveLength(2);
    expect(fjord.match(/<Restriction V="FORELDRE"/g)).toHaveLength(2);
    const report = await validateXml([
      { name: 'nordlys, kept from parents', xml: nordlys },
      { name: 'fjord, kept from parents', xml: fjord },
      { name: 'another restriction', xml: nordlys.replace('<ju:Restriction V="FORELDRE"', '<ju:Restriction V="ALLE"') },
      { name: 'a restriction out of order', xml: nordlys.replace(/<ju:Restriction [^>]*\/>/, '').replace('<ju:Consultation>', '<ju:Consultation><ju:Restriction V="FORELDRE"/>') },
    ]);
    expect(report.failures.map((f) => f.name)).toEqual(['another restriction', 'a restriction out of order']);
  }, 60_000);

  it('marks a referral and a planned consultation kept from the parents too, in their place, and the adapter reads both marks', async () => {
    const teen = demoPatient('teen');
    const office = orgs.gpOffices.find((o) => o.herId === teen.gpRecord?.officeHerId)!;
    const hprNumber = teen.gpRecord!.consultations[0]!.hprNumber;
    const reason = { code: 'W11', text: 'Prevensjon p-pille' };
    const referral = { id: 'henv-kept', date: '2026-09-01', hprNumber, toOrgNumber: '983974899', toDepartment: 'Gynekologisk poliklinikk', reason, text: 'Henvises.', keptFromParents: true };
    const followUp = { id: 'plan-kept', at: { days: 30, time: '09:00' }, minutes: 20, contactType: teen.gpRecord!.consultations[0]!.contactType, reason, text: 'Kontroll p-pille', hprNumber, keptFromParents: true };
    const record = { ...teen.gpRecord!, referrals: [referral, { ...referral, id: 'henv-open', keptFromParents: undefined }], plannedFollowUps: [followUp] };
    const request = { msgId: 'req-teen-2', senderHerId: '90001', senderName: 'Patient graph', receiverHerId: office.herId, nin: teen.nin, kind: 'FNR' as const, question: 'Journaluttrekk',
      type: { V: '2', S: '2.16.578.1.12.4.1.1.9065', DN: 'Spørsmål om å få overført en eller flere kategorier opplysninger i journalen' },
      purpose: { V: '2', S: '2.16.578.1.12.4.1.1.9068', DN: 'Helsehjelp til pasient som har journal' }, reason: null };
    const documents = (['soap11', 'soap12'] as const).map((dialect) => ({ name: dialect, xml: journalResponse(dialect, [{ office, request, found: { person: teen, record } }]) }));
    // The consultation, the prescription, the referral and the planned consultation.
    expect(documents.map((d) => d.xml.match(/Restriction V="FORELDRE"/g)?.length)).toEqual([4, 4]);
    expect((await validateXml(documents)).failures).toEqual([]);
    for (const { name, xml } of documents) {
      const [answer] = mapJournalResponse(name, xml);
      expect([answer?.record?.referrals.map((r) => [r.id, r.keptFromParents ?? false]), answer?.record?.plannedFollowUps?.map((f) => [f.id, f.keptFromParents])]).toEqual([
        [['henv-kept', true], ['henv-open', false]],
        [['plan-kept', true]],
      ]);
    }
  }, 60_000);
});
