import { createCarePloAdapter } from '../../adapters/care-plo/client';
import { buildReceipts, buildRequest } from '../../adapters/care-plo/request';
import { APPREC_ERRORS, ReceiptLedger, receiptsSettled, type AppRecError } from '../../adapters/kit/appRec';
import { testKit } from '../../adapters/kit/testing';
import type { CarePloOptions } from '../../adapters/care-plo/manifest';
import { instancesOf, loadOrganisations, loadSources } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { withCheckDigits } from '../../lib/nin';
import { validateXml, type XmlDocument } from '../../test/xml/validateXml';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { getPopulationIndex } from '../population';
import { carePloSimulator } from '.';

/**
 * Every message of the PLO care system, checked against the XML Schemas in schemas/ (MsgHead v1.2, Dialogmelding
 * 1.0, PLO v1.6 HelseopplysningerTilLege with its poKomponent part, the care record extract, the product's
 * MeldingListe), strictly: every DIALOG_FORESPORSEL the adapter sends and every answer each PLO instance sends,
 * for every patient whose care record it holds, for a patient of another municipality and for a number nobody
 * knows; its error messages; and every application receipt (AppRec 1.0) either side sends (the service's refusals in
 * its answers, the adapter's receipts for the answers it read, and one of each kind it can give). With KITH_XSD_DIR set, the namespaces found there (official MsgHead, PLO files)
 * are checked against those files instead.
 */
const population = getPopulationIndex();
const orgs = loadOrganisations();
const ploInstances = instancesOf(loadSources()).filter((i) => i.system === 'care-plo');
const PATH = '/plo/helseopplysninger';
const NS = {
  msgHead: 'http://www.kith.no/xmlstds/msghead/2006-05-24',
  plo: 'http://www.kith.no/xmlstds/po/HelseopplysningerTilLege/2012-04-01',
  poKomponent: 'http://www.kith.no/xmlstds/po/poKomponent/2012-04-01',
};

const stranger = (() => {
  for (let i = 100; i < 999; i += 1) {
    const nin = withCheckDigits(`020270${i}`);
    if (nin && !population.byNin.has(nin)) return nin;
  }
  throw new Error('no free number');
})();

/** Ways a DIALOG_FORESPORSEL is refused by receipt: a 1.1 topic (T99), another type (T10), no patient (T02), another receiver (E21), no purpose (T99). */
const REFUSALS: ((head: string) => string)[] = [
  (h) => h.replace(/<dia:TypeForesp V="1" S="2.16.578.1.12.4.1.1.9152"/, '<dia:TypeForesp V="8" S="2.16.578.1.12.4.1.1.7322"'),
  (h) => h.replace('V="DIALOG_FORESPORSEL"', 'V="DIALOG_NOTAT"'),
  (h) => h.replace(/<mh:Patient>[\s\S]*?<\/mh:Patient>/, ''),
  (h) => h.replace(/(<mh:Receiver>[\s\S]*?<mh:Id>)\d+/, '$1999'),
  (h) => h.replace(/<dia:Formål [^>]*\/>/, ''),
];
const receipts: XmlDocument[] = [];
const appRecs = { fromSystems: 0 };
const acknowledged: Record<string, number>[] = [];

const sims = ploInstances.map((instance) => new SimulatedInstance(carePloSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, createLogger('test')));
const documents: XmlDocument[] = [];
const counted = { held: 0, requests: 0, answers: 0, withRecord: 0, nothingHeld: 0 };

beforeAll(async () => {
  for (const [i, sim] of sims.entries()) {
    const instance = ploInstances[i]!;
    await sim.start(0);
    const options = instance.options as CarePloOptions;
    const municipalities = new Set(orgs.municipalities.filter((m) => m.careInstance === instance.id).map((m) => m.number));
    const held = population.population.persons.filter((p) => p.careRecord && municipalities.has(p.careRecord.municipality)).map((p) => p.nin);
    const elsewhere = population.population.persons.find((p) => p.careRecord && !municipalities.has(p.careRecord.municipality))?.nin;
    counted.held += held.length;
    const nins = [...held, stranger, ...(elsewhere ? [elsewhere] : [])];
    for (let start = 0; start < nins.length; start += 100) {
      const messages = nins.slice(start, start + 100).map((nin, n) => ({ nin, msgId: `7b1d3c2e-0000-4000-8000-${String(start + n).padStart(12, '0')}` }));
      const body = buildRequest(messages, options);
      const response = await fetch(`${sim.url}${PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body });
      if (response.status !== 200) throw new Error(`${instance.id} answered ${response.status}`);
      const answer = await response.text();
      counted.requests += messages.length;
      counted.answers += (answer.match(/<mh:MsgHead>/g) ?? []).length;
      counted.withRecord += (answer.match(/V="HELSEOPPLYSNINGER_LEGE"/g) ?? []).length;
      counted.nothingHeld += (answer.match(/<mh:Type V="DIALOG_SVAR"/g) ?? []).length;
      documents.push({ name: `${instance.id} request ${start / 100 + 1}`, xml: body }, { name: `${instance.id} answer ${start / 100 + 1}`, xml: answer });
    }
    // Its error messages: a refused request, and its own failure.
    const refused = await fetch(`${sim.url}${PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: '<Annet/>' });
    documents.push({ name: `${instance.id} refusal`, xml: await refused.text() }, { name: `${instance.id} failure`, xml: carePloSimulator.failure.body });
    // Refusals by application receipt: one list with a message of each kind the service refuses, and one it answers.
    let n = 0;
    const spoilt = buildRequest(nins.slice(0, 6).map((nin, k) => ({ nin, msgId: `5e6f7a8b-0000-4000-8000-${String(k).padStart(12, '0')}` })), options).replace(
      /<mh:MsgHead>[\s\S]*?<\/mh:MsgHead>/g,
      (head) => REFUSALS[n++]?.(head) ?? head,
    );
    const withRefusals = await (await fetch(`${sim.url}${PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: spoilt })).text();
    appRecs.fromSystems += (withRefusals.match(/<ar:AppRec>/g) ?? []).length;
    documents.push({ name: `${instance.id} answer with refusals`, xml: withRefusals });
    // The adapter's receipts: those it sends after a read (captured on their way out), and one of each refusal.
    const kit = testKit();
    const reachable = { ...instance, baseUrl: sim.url, timeoutMs: 5000 };
    kit.http(reachable).interceptors.request.use((config) => {
      if (String(config.url).endsWith('/plo/applikasjonskvittering')) receipts.push({ name: `${instance.id} receipts after a read`, xml: String(config.data) });
      return config;
    });
    await createCarePloAdapter(reachable, options, kit).read(nins.slice(0, 5));
    await receiptsSettled();
    acknowledged.push(sim.stats.observed ?? {});
    const ledger = new ReceiptLedger();
    const message = { type: { V: 'HELSEOPPLYSNINGER_LEGE', DN: 'Helseopplysninger til lege' }, genDate: '2026-12-06T10:15:00', msgId: 'a6967e6a-8c0a-4be4-a647-c921d3086423', sender: { herId: options.receiverHerId, name: 'Pleie og omsorg' } };
    ledger.accept(message);
    for (const error of Object.keys(APPREC_ERRORS) as AppRecError[]) ledger.refuse(message, error, 'Test', new Error('test'));
    receipts.push({ name: `${instance.id} receipts of every kind`, xml: buildReceipts(ledger.appRecs({ herId: options.senderHerId, name: 'Patient Graph' }, (x) => `ar:${x}`)) });
  }
}, 60_000);
afterAll(async () => {
  for (const sim of sims) await sim.close();
});

describe('PLO care system messages against the XML Schemas', () => {
  it('every request, every answer and every error message of each PLO instance validates strictly', async () => {
    expect(ploInstances.length).toBeGreaterThan(0);
    // Every held patient is asked for once, plus a stranger (and a patient of another municipality); each request
    // is answered by its own MsgHead.
    expect(counted.held).toBeGreaterThan(10);
    expect(counted.answers).toBe(counted.requests);
    expect(counted.withRecord).toBe(counted.held);
    expect(counted.nothingHeld).toBe(counted.requests - counted.held);
    const report = await validateXml(documents);
    expect(report.failures).toEqual([]);
    expect(report.count).toBe(documents.length);
    if (process.env.KITH_XSD_DIR) expect(report.official.length).toBeGreaterThan(0);
  }, 60_000);

  it('every application receipt (AppRec 1.0) both sides send validates strictly: the service’s refusals, the adapter’s receipts', async () => {
    expect(appRecs.fromSystems).toBe(ploInstances.length * REFUSALS.length);
    expect(receipts.filter((r) => r.name.endsWith('after a read'))).toHaveLength(ploInstances.length);
    // The service matched each receipt to an answer it sent.
    for (const observed of acknowledged) expect(observed).toEqual({ 'apprec:1': 5 });
    const report = await validateXml([...receipts, ...documents.filter((d) => d.name.endsWith('with refusals'))]);
    expect(report.failures).toEqual([]);
    expect(report.count).toBe(receipts.length + ploInstances.length);
  }, 60_000);

  it('is strict: a wrong message type, a missing dispatch status, an element out of order or undeclared, a time with an offset and an undeclared namespace all fail', async () => {
    const answer = documents.find((d) => d.name.endsWith('answer 1'))!.xml;
    const broken: XmlDocument[] = [
      { name: 'message type outside 8279', xml: answer.replace('V="HELSEOPPLYSNINGER_LEGE"', 'V="HELSEOPPL"') },
      { name: 'HelseopplysningerTilLege without InformasjonOmForsendelsen', xml: answer.replace(/<po:InformasjonOmForsendelsen>[\s\S]*?<\/po:InformasjonOmForsendelsen>/, '') },
      { name: 'an extract element out of order', xml: answer.replace(/(<FraDato>[^<]*<\/FraDato>)(\s*)(<TilDato>[^<]*<\/TilDato>)/, '$3$2$1') },
      { name: 'an element the extract does not declare', xml: answer.replace('<Tjeneste>', '<Tjeneste><Hemmelig>x</Hemmelig>') },
      { name: 'a time with an offset where wall-clock time belongs', xml: answer.replace(/<Tidspunkt>([^<]+)<\/Tidspunkt>/, '<Tidspunkt>$1+01:00</Tidspunkt>') },
      { name: 'content in an undeclared namespace', xml: answer.replace(NS.plo, 'urn:unknown') },
      { name: 'a PLO component in the wrong namespace', xml: answer.replace(`xmlns:po="${NS.poKomponent}"`, `xmlns:po="${NS.plo}"`) },
    ];
    const report = await validateXml(broken);
    // The official MsgHead schema leaves the message types open; the project's enumerates them.
    const official = report.official.includes(NS.msgHead);
    expect(report.failures.map((f) => f.name)).toEqual(broken.map((b) => b.name).filter((n) => !official || n !== 'message type outside 8279'));
  }, 60_000);
});
