import { createGpKithAdapter } from '../../adapters/gp-kith/client';
import { buildJournalRequest } from '../../adapters/gp-kith/request';
import type { GpKithDialect } from '../../adapters/gp-kith/manifest';
import type { GpRecordKey } from '../../adapters/contracts';
import { randomBytes } from 'node:crypto';
import { AdapterKit, parseXml } from '../../adapters/kit';
import { CacheCrypto } from '../../adapters/kit/cache/CacheCrypto';
import { MemoryCacheStore } from '../../adapters/kit/cache/CacheStore';
import { sourceCache } from '../../adapters/kit/cache/sourceCache';
import { CODE_SYSTEM, type GpRecordModel } from '../../adapters/model';
import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { withCheckDigits } from '../../lib/nin';
import { SimulatedInstance } from '../kit/SimulatedInstance';
import { demoPatient, doseText, getPopulationIndex, type Person } from '../population';
import { dateOf, instantOf } from '../population/clock';
import { gpKithSimulator } from '.';
import { receiptsSettled } from '../../adapters/kit/appRec';
import { sourceFailure, testKit } from '../../adapters/kit/testing';

const population = getPopulationIndex();
const orgs = loadOrganisations();
const configured = new Map(instancesOf(loadSources()).map((i) => [i.id, i]));

/** One instance of each dialect, configured as sources.json configures them. */
const INSTANCES: Record<GpKithDialect, string> = { soap11: 'gp-nordlys-vest', soap12: 'gp-fjord-vest' };
const sims = new Map<GpKithDialect, SimulatedInstance>();
for (const [dialect, id] of Object.entries(INSTANCES) as [GpKithDialect, string][]) {
  const instance = configured.get(id);
  if (instance?.options.dialect !== dialect) throw new Error(`sources.json no longer configures ${id} as ${dialect}`);
  sims.set(dialect, new SimulatedInstance(gpKithSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, createLogger('test')));
}
const sim = (dialect: GpKithDialect) => sims.get(dialect) as SimulatedInstance;

const stranger = (() => {
  for (let i = 100; i < 999; i += 1) {
    const nin = withCheckDigits(`020270${i}`);
    if (nin && !population.byNin.has(nin)) return nin;
  }
  throw new Error('no free number');
})();

const officesOn = (id: string) => new Set(orgs.gpOffices.filter((o) => o.instance === id).map((o) => o.herId));
const keyOf = (p: Person): GpRecordKey => ({ nin: p.nin, officeHerId: p.gp?.officeHerId as string });
/** The patient on an instance with the most in the record, so referrals and stopped drugs are crossed if any exist. */
function richest(id: string): Person {
  const offices = officesOn(id);
  const candidates = population.population.persons.filter((p) => p.gpRecord && offices.has(p.gpRecord.officeHerId));
  const score = (p: Person) => (p.gpRecord?.referrals.length ?? 0) * 10 + (p.gpRecord?.prescriptions.filter((m) => m.status === 'stopped').length ?? 0) * 5 + (p.gpRecord?.consultations.length ?? 0);
  return candidates.sort((a, b) => score(b) - score(a))[0] as Person;
}

/** What the adapter must make of a person's GP record: the population's truth in the model's words. */
function expected(p: Person): GpRecordModel {
  const r = p.gpRecord;
  if (!r) throw new Error('no GP record');
  const icpc = (c: { code: string; text: string }) => ({ system: CODE_SYSTEM.icpc2, code: c.code, display: c.text });
  const contact = { office: 'OFFICE', phone: 'PHONE', video: 'VIDEO', home: 'HOME_VISIT' } as const;
  return {
    consultations: [...r.consultations]
      .sort((a, b) => b.time.localeCompare(a.time) || a.id.localeCompare(b.id))
      .map((c) => ({
        id: c.id,
        time: c.time,
        contactType: contact[c.contactType],
        reason: icpc(c.reason),
        diagnoses: c.diagnoses.map(icpc),
        note: c.note,
        hprNumber: c.hprNumber,
        ...(c.keptFromParents ? { keptFromParents: true } : {}),
      })),
    problems: r.problems.map((pr) => ({ code: icpc(pr), since: pr.since })),
    prescriptions: r.prescriptions.map((m) => ({
      id: m.id,
      atc: m.atc,
      name: m.name,
      strength: m.strength,
      form: m.form,
      // The fields the journal extract carries; anything else in the population's dose is not on the wire.
      dose: { amount: m.dose.amount, unit: m.dose.unit, timesPerDay: m.dose.timesPerDay, text: doseText(m) },
      status: m.status === 'active' ? 'ACTIVE' : 'STOPPED',
      startDate: m.startDate,
      endDate: m.endDate,
      note: m.note,
      hprNumber: m.hprNumber,
      ...(m.keptFromParents ? { keptFromParents: true } : {}),
    })),
    // An open referral is dated relative to the world's today (population/clock.ts).
    referrals: r.referrals.map((f) => ({
      id: f.id,
      date: f.sentDaysAgo === undefined ? f.date : dateOf({ days: -f.sentDaysAgo }),
      toOrgNumber: f.toOrgNumber,
      toDepartment: f.toDepartment,
      reason: icpc(f.reason),
      text: f.text,
      hprNumber: f.hprNumber,
    })),
    plannedFollowUps: r.plannedFollowUps
      .map((f) => ({
        id: f.id,
        kind: 'FOLLOW_UP' as const,
        time: instantOf(f.at),
        title: f.contactType === 'phone' ? `Telefonkonsultasjon: ${f.text}` : f.text,
        service: null,
        status: 'PLANNED' as const,
        deadline: null,
        referralId: null,
        hprNumber: f.hprNumber,
      }))
      .sort((a, b) => a.time.localeCompare(b.time)),
    // No office of these instances holds dialogue messages at start (simulators/gp-kith/messages.test.ts has them).
    messages: [],
  };
}

function adapter(dialect: GpKithDialect, overrides: { senderHerId?: string; id?: string; timeoutMs?: number } = {}) {
  const instance = configured.get(INSTANCES[dialect]) as InstanceConfig;
  return createGpKithAdapter(
    { ...instance, id: overrides.id ?? instance.id, baseUrl: sim(dialect).url, timeoutMs: overrides.timeoutMs ?? 2000 },
    { dialect, senderHerId: overrides.senderHerId ?? String(instance.options.senderHerId) },
    testKit(),
  );
}


function requestBody(dialect: GpKithDialect, patients: GpRecordKey[]) {
  const messages = patients.map((p, i) => ({ ...p, msgId: `b7f3c1de-0000-4000-8000-${String(i + 1).padStart(12, '0')}` }));
  return buildJournalRequest({ dialect, senderHerId: '90001', genDate: new Date(), messages });
}

/** Walks a parsed XML document by element names. */
const at = (node: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((n, key) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[key] : undefined), node);

/** The fault of a SOAP answer (either version), read without the adapter: code and reason. */
function faultOf(xml: string): { code: string; reason: string } {
  const fault = at(parseXml(xml), 'Envelope', 'Body', 'Fault');
  const code = String(at(fault, 'faultcode') ?? at(fault, 'Code', 'Value'));
  const reason = String(at(fault, 'faultstring') ?? at(fault, 'Reason', 'Text', '#text'));
  return { code: code.slice(code.indexOf(':') + 1), reason };
}

beforeAll(async () => {
  for (const s of sims.values()) await s.start(0);
});
beforeEach(async () => {
  // Receipts of the previous test are delivered before the counts are reset.
  await receiptsSettled();
  for (const s of sims.values()) {
    await s.setBehaviour({ mode: 'normal' });
    s.resetStats();
  }
});
afterAll(async () => {
  for (const s of sims.values()) await s.close();
});

describe('gp-kith simulator with its adapter over HTTP: Nordlys Journal (soap11)', () => {
  const homeCare = demoPatient('homeCare');
  const deceased = demoPatient('deceased');
  const rich = richest(INSTANCES.soap11);

  it('answers a batch in one SOAP call, and the adapter maps the population truth exactly', async () => {
    const result = await adapter('soap11').read([keyOf(homeCare), keyOf(deceased), keyOf(rich), { nin: stranger, officeHerId: '81241' }]);
    // Every answer is acknowledged by AppRec 1.0 (OK) in one call to the receipt operation, each matching an answer sent.
    await receiptsSettled();
    expect(sim('soap11').stats.byRoute).toEqual({ 'POST /soap/JournalService': 1, 'POST /soap/KvitteringService': 1 });
    expect(sim('soap11').stats.observed).toEqual({ 'apprec:1': new Set([homeCare, deceased, rich].map((p) => p.nin)).size + 1 });
    expect(sim('soap11').stats.ninInUrl).toBe(0);
    expect(result.get(homeCare.nin)).toEqual(expected(homeCare));
    expect(result.get(deceased.nin)).toEqual(expected(deceased));
    expect(result.get(rich.nin)).toEqual(expected(rich));
    expect(result.get(stranger)).toBeNull();
  });

  it('carries what Ida Haugland, 14, kept from her parents, and the adapter marks exactly that: the contraception consultation and the pill', async () => {
    const teen = demoPatient('teen');
    const result = await adapter('soap11').read([keyOf(teen)]);
    const record = result.get(teen.nin);
    expect(record).toEqual(expected(teen));
    expect(record?.consultations.filter((c) => c.keptFromParents).map((c) => c.reason?.code)).toEqual(['W11']);
    expect(record?.consultations.filter((c) => !c.keptFromParents).length).toBeGreaterThan(0);
    expect(record?.prescriptions.map((m) => [m.atc, m.keptFromParents])).toEqual([['G03AA07', true]]);
    // Her brother's record has nothing kept.
    const child = demoPatient('child');
    const his = (await adapter('soap11').read([keyOf(child)])).get(child.nin);
    expect([...(his?.consultations ?? []), ...(his?.prescriptions ?? [])].some((x) => 'keptFromParents' in x)).toBe(false);
  });

  it("answers the record an earlier office keeps of a patient who changed GP, and keeps each office's answer apart in the cache", async () => {
    // Per Solberg moved his listing from Sandviken to Nordnes, two offices of this one system.
    const changed = demoPatient('changedGp');
    const earlier = changed.earlierGpRecords?.[0];
    expect([changed.gp?.officeHerId, earlier?.officeHerId]).toEqual(['81241', '81242']);
    const store = new MemoryCacheStore();
    const key = randomBytes(32);
    const kit = new AdapterKit(createLogger('test')).use(
      sourceCache({ store, crypto: new CacheCrypto({ names: randomBytes(32), current: { id: 'k1', key }, all: new Map([['k1', key]]) }), logger: createLogger('test') }),
    );
    const instance = configured.get(INSTANCES.soap11) as InstanceConfig;
    const cached = createGpKithAdapter({ ...instance, baseUrl: sim('soap11').url, timeoutMs: 2000, cache: { '*': { ttlMs: 60_000, staleMs: 0 } } }, { dialect: 'soap11', senderHerId: String(instance.options.senderHerId) }, kit);
    const today = await cached.read([keyOf(changed)]);
    const before = await cached.read([{ nin: changed.nin, officeHerId: '81242' }]);
    expect(today.get(changed.nin)?.consultations.map((c) => c.id).sort()).toEqual(changed.gpRecord?.consultations.map((c) => c.id).sort());
    expect(before.get(changed.nin)?.consultations.map((c) => c.id).sort()).toEqual(earlier?.consultations.map((c) => c.id).sort());
    // Asked again: both from the cache, each still its own office's.
    const calls = sim('soap11').stats.byRoute['POST /soap/JournalService'];
    expect((await cached.read([{ nin: changed.nin, officeHerId: '81242' }])).get(changed.nin)?.consultations.length).toBe(earlier?.consultations.length);
    expect((await cached.read([keyOf(changed)])).get(changed.nin)?.consultations.length).toBe(changed.gpRecord?.consultations.length);
    expect(sim('soap11').stats.byRoute['POST /soap/JournalService']).toBe(calls);
  });

  it('answers nothing for a patient asked for at an office that does not hold the journal', async () => {
    const result = await adapter('soap11').read([{ nin: deceased.nin, officeHerId: homeCare.gp?.officeHerId as string }]);
    expect(result.get(deceased.nin)).toBeNull();
  });

  it('answers each DIALOG_FORESPORSEL with a DIALOG_SVAR from the office, one patient per MsgHead, KITH V attributes in Oslo wall-clock time', async () => {
    const response = await fetch(`${sim('soap11').url}/soap/JournalService`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://nordlys.no/journal/HentJournal"' },
      body: requestBody('soap11', [keyOf(homeCare), keyOf(deceased), { nin: stranger, officeHerId: '81241' }]),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    const xml = await response.text();
    const heads = at(parseXml(xml, ['MsgHead', 'Document', 'Ident']), 'Envelope', 'Body', 'HentJournalResponse', 'MsgHead') as unknown[];
    expect(heads).toHaveLength(3);
    expect(heads.map((m) => at(m, 'MsgInfo', 'Type', '@_V'))).toEqual(['DIALOG_SVAR', 'DIALOG_SVAR', 'DIALOG_SVAR']);
    expect(heads.map((m) => at(m, 'MsgInfo', 'ConversationRef', 'RefToParent'))).toEqual([1, 2, 3].map((i) => `b7f3c1de-0000-4000-8000-00000000000${i}`));
    expect(heads.map((m) => (at(m, 'MsgInfo', 'Sender', 'Organisation', 'Ident') as { Id: string }[])[0]?.Id)).toEqual([homeCare.gp?.officeHerId, deceased.gp?.officeHerId, '81241']);
    expect(heads.map((m) => (at(m, 'MsgInfo', 'Patient', 'Ident') as { Id: string }[])[0]?.Id)).toEqual([homeCare.nin, deceased.nin, stranger]);
    // The journal extract is attached where the office holds the journal; the stranger's answer says there is none.
    expect(heads.map((m) => (at(m, 'Document') as unknown[]).length)).toEqual([2, 2, 1]);
    expect(at(heads[2], 'MsgInfo', 'Patient', 'FamilyName')).toBeUndefined();
    expect(xml).toMatch(/<ju:StartDateTime V="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"\/>/);
  });

  it('answers in Dialogmelding 1.0 with its own lists: topic Volven 9069 (1 included, 3 none held), repeating the request as sent', async () => {
    const response = await fetch(`${sim('soap11').url}/soap/JournalService`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://nordlys.no/journal/HentJournal"' },
      body: requestBody('soap11', [keyOf(homeCare), { nin: stranger, officeHerId: '81241' }]),
    });
    const heads = at(parseXml(await response.text(), ['MsgHead', 'Document']), 'Envelope', 'Body', 'HentJournalResponse', 'MsgHead') as unknown[];
    const notes = heads.map((m) => at((at(m, 'Document') as unknown[])[0], 'RefDoc', 'Content', 'Dialogmelding', 'Notat'));
    expect(notes.map((n) => at(n, 'TemaKodet'))).toEqual([
      { '@_V': '1', '@_S': '2.16.578.1.12.4.1.1.9069', '@_DN': 'De etterspurte opplysningene er inkludert i meldingen' },
      { '@_V': '3', '@_S': '2.16.578.1.12.4.1.1.9069', '@_DN': 'Har ikke ønskede opplysninger' },
    ]);
    for (const n of notes) {
      expect(at(n, 'Foresporsel', 'TypeForesp')).toMatchObject({ '@_V': '2', '@_S': '2.16.578.1.12.4.1.1.9065' });
      expect(at(n, 'Foresporsel', 'Formål')).toMatchObject({ '@_V': '2', '@_S': '2.16.578.1.12.4.1.1.9068' });
    }
  });

  it.each([
    ['a topic of Dialogmelding 1.1 (Volven 7322) in a 1.0 request', (b: string) => b.replace('<dia:TypeForesp V="2" S="2.16.578.1.12.4.1.1.9065"', '<dia:TypeForesp V="8" S="2.16.578.1.12.4.1.1.7322"'), 'T99'],
    ['a code its list does not hold (9065 code 7)', (b: string) => b.replace('<dia:TypeForesp V="2"', '<dia:TypeForesp V="7"'), 'T99'],
    ['a request for health information without its purpose (Formål)', (b: string) => b.replace(/<dia:Formål [^>]*\/>/, ''), 'T99'],
    ['a request that breaks the schema (no patient)', (b: string) => b.replace(/<mh:Patient>[\s\S]*?<\/mh:Patient>/, ''), 'T02'],
    ['another message type than DIALOG_FORESPORSEL', (b: string) => b.replace('V="DIALOG_FORESPORSEL"', 'V="DIALOG_NOTAT"'), 'T10'],
    ['a message to an office this system does not host', (b: string) => b.replace(/(<mh:Receiver>[\s\S]*?<mh:Id>)\d+/, '$181246'), 'E21'],
  ])('refuses %s by AppRec 1.0 (status 2, an error of 8221) in place of its answer, answering the rest', async (_what, edit, code) => {
    const valid = requestBody('soap11', [keyOf(homeCare), keyOf(deceased)]);
    // Only the first message is spoilt.
    const [first] = valid.match(/<mh:MsgHead>[\s\S]*?<\/mh:MsgHead>/) ?? [''];
    const body = valid.replace(first, edit(first));
    expect(body).not.toBe(valid);
    const response = await fetch(`${sim('soap11').url}/soap/JournalService`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://nordlys.no/journal/HentJournal"' },
      body,
    });
    expect(response.status).toBe(200);
    const doc = at(parseXml(await response.text(), ['MsgHead', 'AppRec']), 'Envelope', 'Body', 'HentJournalResponse');
    expect((at(doc, 'MsgHead') as unknown[]).map((m) => at(m, 'MsgInfo', 'ConversationRef', 'RefToParent'))).toEqual(['b7f3c1de-0000-4000-8000-000000000002']);
    const appRecs = at(doc, 'AppRec') as unknown[];
    expect(appRecs).toHaveLength(1);
    expect(appRecs[0]).toMatchObject({
      MsgType: { '@_V': 'APPREC', '@_DN': 'Applikasjonskvittering' },
      MIGversion: '1.0 2004-11-21',
      Sender: { HCP: { Inst: { Id: code === 'E21' ? '81246' : homeCare.gp?.officeHerId, TypeId: { '@_V': 'HER' } } } },
      Receiver: { HCP: { Inst: { Id: '90001', TypeId: { '@_V': 'HER' } } } },
      Status: { '@_V': '2', '@_DN': 'Avvist' },
      Error: { '@_V': code, '@_S': '2.16.578.1.12.4.1.1.8221' },
      OriginalMsgId: { MsgType: { '@_V': code === 'T10' ? 'DIALOG_NOTAT' : 'DIALOG_FORESPORSEL' }, IssueDate: /<mh:GenDate>([^<]+)</.exec(first)?.[1], Id: 'b7f3c1de-0000-4000-8000-000000000001' },
    });
    expect(JSON.stringify(appRecs)).not.toContain(homeCare.nin);
  });

  it('refuses a message to an office another system hosts by AppRec E21 (Mottaker finnes ikke); the adapter reports it as the system’s refusal', async () => {
    const nursingHome = demoPatient('nursingHome'); // listed at an office on gp-fjord-midt
    const misaddressed = await sourceFailure(adapter('soap11').read([keyOf(homeCare), keyOf(nursingHome)]));
    // The receipt's 8221 code says what went wrong; its text never reaches the error.
    expect(misaddressed.code).toBe('SOURCE_UNAVAILABLE');
    expect(misaddressed.message).toBe('gp-nordlys-vest answered a KITH AppRec fault (Avvist), error code E21');
    // The answer the system did send is acknowledged all the same; its own receipt is not.
    await receiptsSettled();
    expect(sim('soap11').stats.observed).toEqual({ 'apprec:1': 1 });
  });

  it('takes application receipts on their own operation: counts each by status and error, an unknown one as unmatched, and refuses what is not an AppRec 1.0 (E110)', async () => {
    const url = `${sim('soap11').url}/soap/KvitteringService`;
    const headers = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://nordlys.no/journal/SendApplikasjonskvittering"' };
    const appRec = (id: string, status: string, error = '') =>
      `<ar:AppRec><ar:MsgType V="APPREC"/><ar:MIGversion>1.0 2004-11-21</ar:MIGversion><ar:GenDate>2026-12-06T10:00:00</ar:GenDate><ar:Id>r-${id}</ar:Id><ar:Sender><ar:HCP><ar:Inst><ar:Id>90001</ar:Id><ar:TypeId V="HER"/></ar:Inst></ar:HCP></ar:Sender><ar:Receiver><ar:HCP><ar:Inst><ar:Id>81241</ar:Id><ar:TypeId V="HER"/></ar:Inst></ar:HCP></ar:Receiver><ar:Status V="${status}"/>${error}<ar:OriginalMsgId><ar:MsgType V="DIALOG_SVAR"/><ar:IssueDate>2026-12-06T09:00:00</ar:IssueDate><ar:Id>${id}</ar:Id></ar:OriginalMsgId></ar:AppRec>`;
    const call = (recs: string) =>
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><nl:SendApplikasjonskvittering xmlns:nl="http://nordlys.no/journal/2019/06" xmlns:ar="http://www.kith.no/xmlstds/apprec/2004-11-21">${recs}</nl:SendApplikasjonskvittering></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
    const unknown = await fetch(url, { method: 'POST', headers, body: call(appRec('never-sent', '1')) });
    expect(unknown.status).toBe(202);
    expect(await unknown.text()).toBe('');
    expect(sim('soap11').stats.observed).toEqual({ 'apprec:unmatched': 1 });
    for (const body of [call(appRec('x', '9')), call(appRec('x', '2')), call(appRec('x', '2', '<ar:Error V="E999" S="2.16.578.1.12.4.1.1.8221"/>')), call(''), 'no xml']) {
      const refused = await fetch(url, { method: 'POST', headers, body });
      expect(refused.status).toBe(500);
      expect(await refused.text()).toContain('<nl:Kode>E110</nl:Kode>');
    }
    const wrongAction = await fetch(url, { method: 'POST', headers: { ...headers, SOAPAction: '"http://nordlys.no/journal/HentJournal"' }, body: call(appRec('x', '1')) });
    expect(faultOf(await wrongAction.text()).code).toBe('Client');
  });

  it('refuses a wrong content type (415), a missing SOAPAction, malformed XML and a SOAP 1.2 envelope with SOAP 1.1 faults', async () => {
    const url = `${sim('soap11').url}/soap/JournalService`;
    const body = requestBody('soap11', [keyOf(homeCare)]);
    const action = { SOAPAction: '"http://nordlys.no/journal/HentJournal"' };
    expect((await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...action }, body })).status).toBe(415);

    const noAction = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
    expect(noAction.status).toBe(500);
    expect(faultOf(await noAction.text()).code).toBe('Client');

    const malformed = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml', ...action }, body: body.slice(0, 200) });
    expect(malformed.status).toBe(500);
    expect(faultOf(await malformed.text())).toMatchObject({ code: 'Client' });

    const v12 = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml', ...action }, body: requestBody('soap12', [keyOf(homeCare)]) });
    expect(faultOf(await v12.text()).code).toBe('VersionMismatch');

    const tooMany = Array.from({ length: 101 }, (_, i) => ({ nin: String(10000000000 + i), officeHerId: '81241' }));
    const big = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml', ...action }, body: requestBody('soap11', tooMany) });
    const bigFault = faultOf(await big.text());
    expect(bigFault.code).toBe('Client');
    expect(bigFault.reason).not.toMatch(/\d{11}/);

    expect((await fetch(`${sim('soap11').url}/soap/JournalService`)).status).toBe(404);
  });

  it('refuses an unknown sender (the adapter reports SOURCE_UNAVAILABLE)', async () => {
    const stranger = await sourceFailure(adapter('soap11', { senderHerId: '12345' }).read([keyOf(homeCare)]));
    expect(stranger.code).toBe('SOURCE_UNAVAILABLE');
    expect(stranger.details.status).toBe(500);
    expect(stranger.message).toBe('gp-nordlys-vest answered a SOAP fault (Client), error code E201');
  });
});

describe('gp-kith simulator with its adapter over HTTP: Fjord EPJ (soap12)', () => {
  const dNumber = demoPatient('dNumber');
  const askoy = demoPatient('askoyHomeCare');
  const blocked = demoPatient('blockedDocument');
  const rich = richest(INSTANCES.soap12);

  it('answers a batch in one SOAP 1.2 call, and the adapter maps the population truth exactly (a D-number too)', async () => {
    const homeCare = demoPatient('homeCare'); // listed at a Nordlys office: asked here at a Fjord office, which holds nothing
    const result = await adapter('soap12').read([keyOf(dNumber), keyOf(askoy), keyOf(blocked), keyOf(rich), { nin: homeCare.nin, officeHerId: '81243' }, { nin: stranger, officeHerId: '81243' }]);
    await receiptsSettled();
    expect(sim('soap12').stats.byRoute).toEqual({ 'POST /ws/epj': 1, 'POST /ws/apprec': 1 });
    // One receipt per answer: each patient asked once (the richest may be one of the demo patients), and two not held.
    expect(sim('soap12').stats.observed).toEqual({ 'apprec:1': new Set([dNumber, askoy, blocked, rich].map((p) => p.nin)).size + 2 });
    expect(sim('soap12').stats.ninInUrl).toBe(0);
    for (const p of [dNumber, askoy, blocked, rich]) expect(result.get(p.nin)).toEqual(expected(p));
    expect(result.get(homeCare.nin)).toBeNull();
    expect(result.get(stranger)).toBeNull();
  });

  it('sends a MsgHeadList with one MsgHead per patient, default namespaces and compact dates', async () => {
    const response = await fetch(`${sim('soap12').url}/ws/epj`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/soap+xml; charset=utf-8; action="urn:fjord-epj:journal:HentJournal"' },
      body: requestBody('soap12', [keyOf(dNumber), keyOf(askoy)]),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/soap\+xml/);
    const xml = await response.text();
    expect(xml.match(/<MsgHead xmlns="http:\/\/www.kith.no\/xmlstds\/msghead\/2006-05-24">/g)).toHaveLength(2);
    expect(xml).toContain('<Journal xmlns="http://patient-graph.example/xmlstds/journaluttrekk/2016-10-01">');
    expect(xml).toMatch(/<StartDateTime>\d{12}<\/StartDateTime>/);
    expect(xml).toMatch(/<TypeId V="DNR"/);
  });

  it('answers Sender faults with HTTP 400 and SOAP 1.2 faults, and 415 for a SOAP 1.1 content type', async () => {
    const url = `${sim('soap12').url}/ws/epj`;
    const body = requestBody('soap12', [keyOf(dNumber)]);
    const noAction = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' }, body });
    expect(noAction.status).toBe(400);
    expect(noAction.headers.get('content-type')).toMatch(/^application\/soap\+xml/);
    expect(faultOf(await noAction.text()).code).toBe('Sender');
    const asV11 = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml', SOAPAction: 'urn:fjord-epj:journal:HentJournal' }, body });
    expect(asV11.status).toBe(415);

    const stranger = await sourceFailure(adapter('soap12', { senderHerId: '12345' }).read([keyOf(dNumber)]));
    expect(stranger.code).toBe('SOURCE_UNAVAILABLE');
    expect(stranger.details.status).toBe(400);
    expect(stranger.message).toContain('(Sender)');
  });
});

describe.each(['soap11', 'soap12'] as const)('gp-kith simulator fault modes, dialect %s', (dialect) => {
  const key = () => keyOf(dialect === 'soap11' ? demoPatient('homeCare') : demoPatient('dNumber'));

  it('fail → SOURCE_UNAVAILABLE (a SOAP 1.1 Server fault, read whatever the dialect)', async () => {
    await sim(dialect).setBehaviour({ mode: 'fail' });
    const error = await sourceFailure(adapter(dialect).read([key()]));
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toContain('(Server)');
  });

  it('invalid and garbage → SOURCE_BAD_RESPONSE', async () => {
    await sim(dialect).setBehaviour({ mode: 'invalid' });
    expect((await sourceFailure(adapter(dialect).read([key()]))).code).toBe('SOURCE_BAD_RESPONSE');
    await sim(dialect).setBehaviour({ mode: 'garbage' });
    expect((await sourceFailure(adapter(dialect).read([key()]))).code).toBe('SOURCE_BAD_RESPONSE');
  });

  it('hang → SOURCE_TIMEOUT', async () => {
    await sim(dialect).setBehaviour({ mode: 'hang' });
    expect((await sourceFailure(adapter(dialect, { timeoutMs: 300 }).read([key()]))).code).toBe('SOURCE_TIMEOUT');
  });
});
