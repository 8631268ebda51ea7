import { buildJournalRequest } from '../../adapters/gp-kith/request';
import type { GpKithDialect } from '../../adapters/gp-kith/manifest';
import { soapHeaders } from '../../adapters/kit';
import { instancesOf, loadOrganisations, loadSources } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { withCheckDigits } from '../../lib/nin';
import { validateXml, type XmlDocument } from '../../test/xml/validateXml';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { getPopulationIndex } from '../population';
import { gpKithSimulator } from '.';

/**
 * Every KITH message of the GP systems, checked against the XML Schemas in schemas/ (MsgHead v1.2,
 * Dialogmelding 1.0, the journal extract, the vendors' SOAP envelopes), strictly: every DIALOG_FORESPORSEL
 * the adapter sends and every DIALOG_SVAR each of the four instances answers, for every patient listed at
 * every office of the population, and for a number no office knows. With KITH_XSD_DIR set, the namespaces
 * found there (the official MsgHead-v1_2.xsd, say) are checked against those files instead.
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
  }
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
});
