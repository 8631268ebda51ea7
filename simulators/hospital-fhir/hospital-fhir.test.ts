import { hospitalFhir } from '../../adapters/hospital-fhir';
import { createHospitalFhirAdapter } from '../../adapters/hospital-fhir/client';
import { AdapterKit, SourceError } from '../../adapters/kit';
import type { HospitalRecordModel } from '../../adapters/model';
import { CODE_SYSTEM } from '../../adapters/model';
import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { SimulatedInstance, type Mode } from '../kit/SimulatedInstance';
import { utcToOsloLocal } from '../../lib/osloTime';
import { demoPatient, doseText, getPopulationIndex, type HospitalRecord } from '../population';
import { dateOf, instantOf } from '../population/clock';
import { hospitalFhirSimulator } from '.';

const logger = createLogger('test');
const orgs = loadOrganisations();
const configured = instancesOf(loadSources()).find((i) => i.id === 'hospital-haukeland') as InstanceConfig;
const population = getPopulationIndex();
const HAUKELAND = orgs.hospitals.find((h) => h.instance === 'hospital-haukeland')?.orgNumber as string;
const FNR = 'urn:oid:2.16.578.1.12.4.1.4.1';
const DNR = 'urn:oid:2.16.578.1.12.4.1.4.2';
const option = (name: string) => String(configured.options[name]);
const clientId = option('clientId');
const clientSecret = option('clientSecret');
const subscriptionKey = option('subscriptionKey');

const sims: SimulatedInstance[] = [];
async function startSim(options: Record<string, unknown> = {}): Promise<SimulatedInstance> {
  const instance = { ...configured, options: { ...configured.options, ...options } };
  const sim = new SimulatedInstance(hospitalFhirSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0 }, logger);
  await sim.start(0);
  sims.push(sim);
  return sim;
}

function adapterFor(sim: SimulatedInstance, timeoutMs = 3000, pageSize = 10) {
  const instance: InstanceConfig = { ...configured, baseUrl: sim.url, timeoutMs };
  const options = hospitalFhir.manifest.options.parse({ ...configured.options, pageSize });
  return hospitalFhir.create(instance, options, new AdapterKit(logger));
}

let sim: SimulatedInstance;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

const departmentHerId = (record: HospitalRecord, name: string) => orgs.hospitals.find((h) => h.orgNumber === record.orgNumber)?.departments.find((d) => d.name === name)?.herId ?? null;
const nameOf = (hpr: string) => {
  const p = population.practitioners.get(hpr);
  return p ? { given: p.givenName, middle: null, family: p.familyName } : null;
};
const osloDate = (instant: string) => utcToOsloLocal(instant).slice(0, 10);

/**
 * The care team, appointments and answers to referrals the adapter must read (the responsible physician of each
 * episode of care, then its contact persons; appointments by time; answers by when they were received), dated now.
 */
function coordination(record: HospitalRecord): Pick<HospitalRecordModel, 'careTeam' | 'appointments' | 'referralAssessments'> {
  const status = { received: 'RECEIVED', accepted: 'ACCEPTED', returned: 'RETURNED', completed: 'COMPLETED' } as const;
  return {
    careTeam: [
      ...record.careEpisodes.map((c) => ({
        role: 'RESPONSIBLE_PHYSICIAN' as const,
        hprNumber: c.responsibleHpr,
        name: nameOf(c.responsibleHpr),
        service: c.department,
        orgNumber: record.orgNumber,
        herId: null,
        phone: null,
        start: osloDate(c.start),
        end: c.end ? osloDate(c.end) : null,
      })),
      ...record.careEpisodes.flatMap((c) =>
        c.contactPersons.map((p) => ({
          role: 'CONTACT_PERSON' as const,
          hprNumber: p.hprNumber,
          name: nameOf(p.hprNumber),
          service: c.department,
          orgNumber: record.orgNumber,
          herId: departmentHerId(record, c.department),
          phone: null,
          start: p.start,
          end: p.end,
        })),
      ),
    ],
    appointments: record.appointments
      .map((a) => ({
        id: a.id,
        kind: 'APPOINTMENT' as const,
        time: instantOf(a.at),
        title: a.description,
        service: a.department,
        status: 'BOOKED' as const,
        deadline: null,
        referralId: a.referralId,
        hprNumber: a.hprNumber,
      }))
      .sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id)),
    referralAssessments: record.referralAnswers
      .map((a) => ({
        id: a.id,
        referralId: a.referralId,
        status: status[a.status],
        received: dateOf(a.received),
        answered: a.status === 'received' || a.answered === null ? null : dateOf(a.answered),
        answerDue: a.status === 'received' && a.due !== null ? dateOf(a.due) : null,
        deadline: (a.status === 'accepted' || a.status === 'completed') && a.due !== null ? dateOf(a.due) : null,
        service: a.department,
        herId: departmentHerId(record, a.department),
        note: a.note,
        hprNumber: a.assessorHpr,
      }))
      .sort((a, b) => a.received.localeCompare(b.received) || a.id.localeCompare(b.id)),
  };
}

/** The record the adapter must produce from the population's truth (sorted as the mapper sorts). */
function expected(record: HospitalRecord): HospitalRecordModel {
  const newestFirst = <T extends { id: string }>(items: T[], when: (t: T) => string) =>
    items.sort((a, b) => Date.parse(when(b)) - Date.parse(when(a)) || a.id.localeCompare(b.id));
  const icd = (d: { code: string; text: string }) => ({ system: CODE_SYSTEM.icd10, code: d.code, display: d.text });
  return {
    encounters: newestFirst(
      record.episodes.map((e) => ({
        id: e.id,
        class: e.kind === 'inpatient' ? 'INPATIENT' : e.kind === 'outpatient' ? 'OUTPATIENT' : 'EMERGENCY',
        start: e.start,
        end: e.end,
        department: e.department,
        diagnoses: [...e.diagnoses.filter((d) => d.primary), ...e.diagnoses.filter((d) => !d.primary)].map(icd),
        hprNumber: e.hprNumber,
        referralIds: e.referral ? [e.referral.id] : [],
      })),
      (e) => e.start,
    ),
    diagnoses: newestFirst(
      record.episodes.flatMap((e) =>
        e.diagnoses.map((d, i) => ({ id: `${e.id}-dx${i + 1}`, code: icd(d), primary: d.primary, recorded: e.end, encounterId: e.id })),
      ),
      (d) => d.recorded,
    ),
    medications: record.medications.map((m) => ({
      id: m.id,
      atc: m.atc,
      name: m.name,
      strength: m.strength,
      form: null,
      dose: { amount: m.dose.amount, unit: m.dose.unit, timesPerDay: m.dose.timesPerDay, intervalDays: m.dose.intervalDays ?? 1, asNeeded: m.dose.asNeeded ? true : null, text: doseText(m) },
      status: m.status === 'active' ? 'ACTIVE' : 'STOPPED',
      startDate: m.startDate,
      endDate: m.endDate,
      note: m.note,
      hprNumber: m.hprNumber,
    })),
    // A blocked document arrives whole, with the Consent that says whom it keeps out: its content is carried.
    documents: newestFirst(
      record.documents.map((d) => ({
        id: d.id,
        kind: d.kind === 'discharge-summary' ? 'DISCHARGE_SUMMARY' : 'OUTPATIENT_NOTE',
        date: d.date,
        title: d.title,
        text: d.text,
        blocked: d.blocked,
        withheldFromPatient: d.withheldFromPatient,
        encounterId: d.episodeId,
        authorHpr: d.authorHpr,
      })),
      (d) => d.date,
    ),
    labResults: newestFirst(
      record.labs.map((l) => ({
        id: l.id,
        time: l.time,
        code: { system: CODE_SYSTEM.nlk, code: l.code, display: l.text },
        value: l.value,
        unit: l.unit,
        referenceLow: l.low,
        referenceHigh: l.high,
        encounterId: l.episodeId,
      })),
      (l) => l.time,
    ),
    careEpisodes: newestFirst(
      record.careEpisodes.map((c) => ({
        id: c.id,
        status: c.status === 'active' ? 'ACTIVE' : 'FINISHED',
        start: c.start,
        end: c.end,
        department: c.department,
        orgNumber: record.orgNumber,
      })),
      (c) => c.start,
    ),
    ...coordination(record),
    // The dialogue messages the hospital holds (seeded for a few demo patients): simulators/hospital-fhir/messages.test.ts.
    messages: expect.any(Array) as unknown as HospitalRecordModel['messages'],
    blocks: [
      ...record.documents
        .filter((d) => d.blocked)
        .map((d) => ({
          id: `consent-${d.id}`,
          documentIds: [d.id],
          deniesEveryone: true,
          deniedPersons: [],
          deniedOrganisations: [],
          exceptOrganisations: [record.orgNumber],
          exceptPersons: [],
        })),
      ...record.blockedPractitioners.map((hpr, i) => ({
        id: `consent-${record.localId}-person-${i + 1}`,
        documentIds: null,
        deniesEveryone: false,
        deniedPersons: [hpr],
        deniedOrganisations: [],
        exceptOrganisations: [],
        exceptPersons: [],
      })),
    ],
    documentReferrals: documentReferralsOf(record, record.documents),
  };
}

/** The GP referral behind each of these documents' encounters, as the population holds it. */
function documentReferralsOf(record: HospitalRecord, documents: HospitalRecord['documents']): NonNullable<HospitalRecordModel['documentReferrals']> {
  return documents
    .flatMap((d) => {
      const referral = record.episodes.find((e) => e.id === d.episodeId)?.referral;
      return referral ? [{ documentId: d.id, referralIds: [referral.id] }] : [];
    })
    .sort((a, b) => a.documentId.localeCompare(b.documentId));
}

const haukelandRecord = (nin: string) => population.byNin.get(nin)?.hospitalRecords.find((r) => r.orgNumber === HAUKELAND) as HospitalRecord;

async function token(base = sim.url): Promise<string> {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function search(body: string | URLSearchParams, headers: Record<string, string | undefined> = {}, base = sim.url) {
  const all: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    'Ocp-Apim-Subscription-Key': subscriptionKey,
    Authorization: `Bearer ${await token(base)}`,
  };
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) delete all[k];
    else all[k] = v;
  }
  const res = await fetch(`${base}/fhir/Patient/_search`, { method: 'POST', headers: all, body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('hospital FHIR simulator with the real adapter', () => {
  it('serves the hospital\'s patients over paged POST searches, mapped to the population\'s truth', async () => {
    sim.resetStats();
    const homeCare = demoPatient('homeCare').nin;
    const deceased = demoPatient('deceased').nin;
    const askoy = demoPatient('askoyHomeCare').nin;
    const blocked = demoPatient('blockedDocument').nin;
    const stOlav = demoPatient('nursingHome').nin;
    const none = demoPatient('strictlyConfidential').nin;

    // One matched patient per page, so that the adapter follows `next` links.
    const result = await adapterFor(sim, 3000, 1).read([homeCare, deceased, askoy, blocked, stOlav, none]);

    for (const nin of [homeCare, deceased, askoy, blocked]) expect(result.get(nin)).toEqual(expected(haukelandRecord(nin)));
    // St. Olavs patient's record lives in the other instance; the strictly confidential patient has none.
    expect(result.get(stOlav)).toBeNull();
    expect(result.get(none)).toBeNull();

    const hilde = result.get(blocked);
    expect(hilde?.documents.find((d) => d.blocked)).toMatchObject({ title: 'Poliklinisk notat, Psykiatrisk poliklinikk', withheldFromPatient: true });
    expect(hilde?.blocks.map((b) => [b.documentIds, b.deniesEveryone, b.exceptOrganisations, b.deniedPersons.length])).toEqual([
      [[hilde?.documents.find((d) => d.blocked)?.id], true, [HAUKELAND], 0],
      [null, false, [], 1],
    ]);
    expect(hilde?.careEpisodes.map((c) => c.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(result.get(deceased)?.careEpisodes.map((c) => c.status)).toEqual(['FINISHED']);
    expect(result.get(homeCare)?.medications.find((m) => m.atc === 'M01AE01')?.status).toBe('STOPPED');

    expect(sim.stats.byRoute['POST /oauth2/token']).toBe(1);
    expect(sim.stats.byRoute['POST /fhir/Patient/_search']).toBe(1);
    // Four patients found, one per page: the first page answers the POST, three more follow by GET.
    expect(sim.stats.byRoute['GET /fhir']).toBe(3);
    expect(sim.stats.ninInUrl).toBe(0);
  });

  it('finds a D-number patient under the D-number system only', async () => {
    const person = population.population.persons.find((p) => p.kind === 'DNR' && p.hospitalRecords.some((r) => r.orgNumber === HAUKELAND));
    if (!person) throw new Error('the population has no D-number patient at Haukeland');
    const asDnr = await search(new URLSearchParams({ identifier: `${DNR}|${person.nin}` }));
    expect(asDnr.body.total).toBe(1);
    const asFnr = await search(new URLSearchParams({ identifier: `${FNR}|${person.nin}` }));
    expect(asFnr.body.total).toBe(0);
    expect((await adapterFor(sim).read([person.nin])).get(person.nin)).toEqual(expected(haukelandRecord(person.nin)));
  });

  it('renews the token when a restarted server no longer knows it', async () => {
    const own = await startSim();
    const adapter = adapterFor(own);
    const nin = demoPatient('homeCare').nin;
    await adapter.read([nin]);
    await own.setBehaviour({ mode: 'down' });
    await own.setBehaviour({ mode: 'normal' });
    // Let the client's keep-alive pool see that the old sockets are gone (a stale one would be reset).
    await new Promise((resolve) => setTimeout(resolve, 50));
    own.resetStats();
    expect((await adapter.read([nin])).get(nin)).not.toBeNull();
    expect(own.stats.byRoute['POST /oauth2/token']).toBe(1);
    expect(own.stats.byRoute['POST /fhir/Patient/_search']).toBe(2);
  });

  it.each<[Mode, string]>([
    ['fail', 'SOURCE_UNAVAILABLE'],
    ['invalid', 'SOURCE_BAD_RESPONSE'],
    ['garbage', 'SOURCE_BAD_RESPONSE'],
    ['hang', 'SOURCE_TIMEOUT'],
    ['down', 'SOURCE_UNAVAILABLE'],
  ])('reports mode %s as %s', async (mode, code) => {
    const own = await startSim();
    const adapter = adapterFor(own, 300);
    await own.setBehaviour({ mode });
    const error = await adapter.read([demoPatient('homeCare').nin]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe(code);
    await own.close();
  });
});

describe('hospital FHIR simulator: blocks and episodes of care', () => {
  const hilde = demoPatient('blockedDocument');
  const record = haukelandRecord(hilde.nin);
  const surgeon = population.population.practitioners.find((p) => p.workplace === 'Haukeland universitetssjukehus' && p.speciality === 'Generell kirurgi');

  async function resourcesOf(...revinclude: string[]) {
    const body = new URLSearchParams({ identifier: `${FNR}|${hilde.nin}`, _count: '200' });
    for (const r of revinclude) body.append('_revinclude', r);
    const res = await search(body);
    expect(res.status).toBe(200);
    return ((res.body.entry ?? []) as { resource: Record<string, unknown> & { resourceType: string; id: string } }[]).map((e) => e.resource);
  }

  it('sends a blocked document in full, labelled restricted, and withheld from the patient where it is', async () => {
    const docs = (await resourcesOf('DocumentReference:subject')).filter((r) => r.resourceType === 'DocumentReference');
    const blocked = docs.find((r) => r.id === record.documents.find((d) => d.blocked)?.id);
    expect(blocked?.meta).toEqual({
      security: [
        { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R', display: 'restricted' },
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: 'NOPAT',
          display: "no disclosure to patient, family or caregivers without attending provider's authorization",
        },
      ],
    });
    expect(blocked).toMatchObject({
      author: [{ identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4' } }],
      context: { encounter: [{ reference: expect.stringMatching(/^Encounter\/enc-/) }] },
      content: [{ attachment: { title: 'Poliklinisk notat, Psykiatrisk poliklinikk', data: expect.any(String) } }],
    });
    const open = docs.find((r) => r.id !== blocked?.id);
    expect(open?.meta).toEqual({ security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N', display: 'normal' }] });
  });

  it('sends each block as a Consent: a document denied to all but the hospital, a doctor denied the whole record', async () => {
    const resources = await resourcesOf('Consent:patient');
    const patient = resources.find((r) => r.resourceType === 'Patient');
    const consents = resources.filter((r) => r.resourceType === 'Consent');
    const doc = record.documents.find((d) => d.blocked);
    const common = {
      resourceType: 'Consent',
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
      patient: { reference: `Patient/${String(patient?.id)}` },
      organization: [{ identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: HAUKELAND }, display: 'Haukeland universitetssjukehus' }],
      policyRule: { text: 'pjl § 17 (sperring)' },
    };
    const recipient = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] };
    expect(consents).toEqual([
      {
        ...common,
        id: `consent-${String(doc?.id)}`,
        dateTime: expect.stringMatching(/^2026-06-04T\d{2}:\d{2}:00\+02:00$/),
        provision: {
          type: 'deny',
          data: [{ meaning: 'instance', reference: { reference: `DocumentReference/${String(doc?.id)}` } }],
          provision: [
            {
              type: 'permit',
              actor: [{ role: recipient, reference: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: HAUKELAND }, display: 'Haukeland universitetssjukehus' } }],
            },
          ],
        },
      },
      {
        ...common,
        id: `consent-${record.localId}-person-1`,
        provision: { type: 'deny', actor: [{ role: recipient, reference: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: surgeon?.hprNumber } } }] },
      },
    ]);
  });

  it('sends one EpisodeOfCare per department, active without an end while the patient is followed up', async () => {
    const episodes = (await resourcesOf('EpisodeOfCare:patient')).filter((r) => r.resourceType === 'EpisodeOfCare');
    expect(episodes).toEqual(
      record.careEpisodes.map((c) => ({
        resourceType: 'EpisodeOfCare',
        id: c.id,
        status: 'active',
        type: [{ text: c.department }],
        patient: { reference: `Patient/${record.localId}` },
        managingOrganization: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: HAUKELAND }, display: 'Haukeland universitetssjukehus' },
        period: { start: expect.stringMatching(/^2026-\d{2}-\d{2}T\d{2}:\d{2}:00\+0[12]:00$/) },
        // The responsible physician, and the care team that names the contact person.
        careManager: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: c.responsibleHpr }, display: expect.any(String) },
        team: [{ reference: `CareTeam/${c.id}-team` }],
      })),
    );
    const olav = demoPatient('deceased');
    const body = new URLSearchParams({ identifier: `${FNR}|${olav.nin}`, _revinclude: 'EpisodeOfCare:patient' });
    const finished = ((await search(body)).body.entry as { resource: Record<string, unknown> }[]).map((e) => e.resource).find((r) => r.resourceType === 'EpisodeOfCare');
    expect(finished).toMatchObject({ status: 'finished', period: { start: expect.any(String), end: expect.stringMatching(/^2026-05-20T12:30:00\+02:00$/) } });
  });

  it('pages blocks and episodes of care like any other included resource', async () => {
    const body = new URLSearchParams({ identifier: `${FNR}|${hilde.nin}`, _count: '2' });
    for (const r of ['Consent:patient', 'EpisodeOfCare:patient']) body.append('_revinclude', r);
    const first = await search(body);
    const headers = { 'Ocp-Apim-Subscription-Key': subscriptionKey, Authorization: `Bearer ${await token()}` };
    const types = ((first.body.entry ?? []) as { resource: { resourceType: string } }[]).map((e) => e.resource.resourceType);
    let next = (first.body.link as { relation: string; url: string }[]).find((l) => l.relation === 'next')?.url;
    while (next) {
      const page = (await (await fetch(next, { headers })).json()) as { entry?: { resource: { resourceType: string } }[]; link: { relation: string; url: string }[] };
      types.push(...(page.entry ?? []).map((e) => e.resource.resourceType));
      next = page.link.find((l) => l.relation === 'next')?.url;
    }
    // Included resources come in the order the search asked for their types, on the page of their patient.
    expect(types).toEqual(['Patient', 'Consent', 'Consent', 'EpisodeOfCare', 'EpisodeOfCare']);
    expect(next).toBeUndefined();
  });
});

describe('hospital FHIR simulator: the GP referral behind an encounter', () => {
  const hilde = demoPatient('blockedDocument');
  const record = haukelandRecord(hilde.nin);
  const blockedDoc = record.documents.find((d) => d.blocked);
  const blockedEncounter = record.episodes.find((e) => e.id === blockedDoc?.episodeId);
  const gpReferrals = hilde.gpRecord?.referrals ?? [];
  const REFERRAL = 'urn:x-patient-graph:identifier:gp-referral';

  it('bases each outpatient encounter on the GP referral it came from, identified by the GP record’s referral id', async () => {
    const body = new URLSearchParams({ identifier: `${FNR}|${hilde.nin}`, _revinclude: 'Encounter:subject' });
    const encounters = ((await search(body)).body.entry as { resource: Record<string, unknown> }[]).map((e) => e.resource).filter((r) => r.resourceType === 'Encounter');
    expect(encounters).toHaveLength(2);
    for (const encounter of encounters) {
      const episode = record.episodes.find((e) => e.id === encounter.id);
      const referral = gpReferrals.find((r) => r.id === episode?.referral?.id);
      expect(referral).toBeDefined();
      expect(encounter.basedOn).toEqual([{ reference: '#henvisning', type: 'ServiceRequest' }]);
      expect(encounter.contained).toEqual([
        {
          resourceType: 'ServiceRequest',
          id: 'henvisning',
          identifier: [{ system: REFERRAL, value: referral?.id }],
          status: 'completed',
          intent: 'order',
          subject: { reference: `Patient/${record.localId}` },
          authoredOn: referral?.date,
          requester: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: referral?.hprNumber }, display: expect.any(String) },
          performer: [{ identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: HAUKELAND }, display: 'Haukeland universitetssjukehus' }],
          reasonCode: [{ coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7170', code: referral?.reason.code, display: referral?.reason.text }], text: referral?.reason.text }],
        },
      ]);
    }
  });

  it('reads the referral ids through the adapter: on each encounter, and per document in both the full and the access read', async () => {
    const adapter = createHospitalFhirAdapter({ ...configured, baseUrl: sim.url }, hospitalFhir.manifest.options.parse(configured.options), new AdapterKit(logger));
    const full = (await adapter.read([hilde.nin])).get(hilde.nin);
    expect(full?.encounters.find((e) => e.id === blockedEncounter?.id)?.referralIds).toEqual([blockedEncounter?.referral?.id]);
    expect(full?.documentReferrals).toEqual(
      record.documents.map((d) => ({ documentId: d.id, referralIds: [record.episodes.find((e) => e.id === d.episodeId)?.referral?.id] })).sort((a, b) => a.documentId.localeCompare(b.documentId)),
    );
    sim.resetStats();
    const access = (await adapter.readAccess([hilde.nin])).get(hilde.nin);
    // One round trip: the blocks, the documents they name and those documents' encounters come in one search.
    expect(sim.stats.byRoute).toEqual({ 'POST /fhir/Patient/_search': 1 });
    // The referral behind the blocked psychiatric note, and nothing clinical.
    expect(access?.documentReferrals).toEqual([{ documentId: blockedDoc?.id, referralIds: [blockedEncounter?.referral?.id] }]);
    expect(gpReferrals.map((r) => r.id)).toContain(blockedEncounter?.referral?.id);
    expect(access).toMatchObject({ encounters: [], diagnoses: [], medications: [], documents: [], labResults: [] });
    expect(access?.blocks.map((b) => b.documentIds)).toEqual([[blockedDoc?.id], null]);
    expect(access?.careEpisodes).toHaveLength(2);
  });

  it('includes what the blocks name with _include:iterate (Consent:data, then DocumentReference:encounter), each once', async () => {
    const asked = async (params: [string, string][]) => {
      const body = new URLSearchParams([['identifier', `${FNR}|${hilde.nin}`], ...params]);
      const res = await search(body);
      expect(res.status).toBe(200);
      return ((res.body.entry ?? []) as { resource: { resourceType: string; id: string } }[]).map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    };
    const consents = [['_revinclude', 'Consent:patient']] as [string, string][];
    expect(await asked([...consents, ['_include:iterate', 'Consent:data'], ['_include:iterate', 'DocumentReference:encounter']])).toEqual([
      `Patient/${record.localId}`,
      `Consent/consent-${String(blockedDoc?.id)}`,
      `Consent/consent-${record.localId}-person-1`,
      `DocumentReference/${String(blockedDoc?.id)}`,
      `Encounter/${String(blockedEncounter?.id)}`,
    ]);
    // Without :iterate an _include applies to the matched Patient only, which names no document.
    expect(await asked([...consents, ['_include', 'Consent:data']])).toHaveLength(3);
    // What a _revinclude brought already is not repeated.
    const everything = await asked([...consents, ['_revinclude', 'DocumentReference:subject'], ['_revinclude', 'Encounter:subject'], ['_include:iterate', 'Consent:data'], ['_include:iterate', 'DocumentReference:encounter']]);
    expect(new Set(everything).size).toBe(everything.length);
    const wrong = await search(new URLSearchParams([['identifier', `${FNR}|${hilde.nin}`], ['_include:iterate', 'Encounter:patient']]));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'invalid', diagnostics: expect.stringContaining('Consent:data') }] });
  });
});

describe('hospital FHIR simulator refusals', () => {
  const nin = demoPatient('homeCare').nin;
  const identifier = `${FNR}|${nin}`;

  it('issues tokens for client credentials only, in the body or as HTTP Basic', async () => {
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${sim.url}/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
    const wrong = await post({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const password = await post({ grant_type: 'password', client_id: clientId, client_secret: clientSecret });
    expect(password.status).toBe(400);
    expect(await password.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const basic = await post({ grant_type: 'client_credentials' }, { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` });
    expect(basic.status).toBe(200);
    expect(basic.headers.get('cache-control')).toBe('no-store');
    expect(await basic.json()).toMatchObject({ token_type: 'Bearer', expires_in: 300, access_token: expect.any(String) });
  });

  it('answers a missing or wrong subscription key as API Management does', async () => {
    const missing = await search(new URLSearchParams({ identifier }), { 'Ocp-Apim-Subscription-Key': undefined });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ statusCode: 401, message: expect.stringMatching(/missing subscription key/) });
    const wrong = await search(new URLSearchParams({ identifier }), { 'Ocp-Apim-Subscription-Key': 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toMatch(/invalid subscription key/);
  });

  it('answers a missing or unknown token with a 401 OperationOutcome and a Bearer challenge', async () => {
    const missing = await search(new URLSearchParams({ identifier }), { Authorization: undefined });
    expect(missing.status).toBe(401);
    expect(missing.body.resourceType).toBe('OperationOutcome');
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const unknown = await search(new URLSearchParams({ identifier }), { Authorization: 'Bearer made-up' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('says a token has expired once its lifetime has passed', async () => {
    const shortLived = await startSim({ tokenLifetimeSeconds: 1 });
    const t = await token(shortLived.url);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const res = await search(new URLSearchParams({ identifier }), { Authorization: `Bearer ${t}` }, shortLived.url);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token", error_description="The access token expired"/);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'expired' }] });
  });

  it('refuses malformed searches with 400/415 OperationOutcomes', async () => {
    const revinclude = '_revinclude=Encounter:subject';
    expect((await search(JSON.stringify({ identifier }), { 'Content-Type': 'application/json' })).status).toBe(415);
    const noIdentifier = await search(revinclude);
    expect(noIdentifier.status).toBe(400);
    expect(noIdentifier.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'required' }] });
    expect((await search(new URLSearchParams({ identifier, _revinclude: 'Practitioner:subject' }))).status).toBe(400);
    // Each type through the parameter that refers to the patient: Consent has no subject, Encounter no patient here.
    const wrongParameter = await search(new URLSearchParams({ identifier, _revinclude: 'Consent:subject' }));
    expect(wrongParameter.status).toBe(400);
    expect(wrongParameter.body).toMatchObject({ issue: [{ code: 'invalid', diagnostics: expect.stringContaining('Consent:patient') }] });
    expect((await search(new URLSearchParams({ identifier, _revinclude: 'Encounter:patient' }))).status).toBe(400);
    expect((await search(new URLSearchParams({ identifier, _revinclude: 'constructor:patient' }))).status).toBe(400);
    expect((await search(new URLSearchParams({ identifier, _count: 'many' }))).status).toBe(400);
    const many = Array.from({ length: 51 }, () => identifier).join(',');
    const tooMany = await search(new URLSearchParams({ identifier: many }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ issue: [{ code: 'too-costly' }] });
    // Nothing the client sent is echoed back.
    expect(JSON.stringify([noIdentifier.body, tooMany.body])).not.toContain(nin);
  });

  it('ignores unknown search parameters, as FHIR does by default, and refuses them with Prefer: handling=strict', async () => {
    const lenient = await search(new URLSearchParams({ identifier, name: 'Solheim' }));
    expect(lenient.status).toBe(200);
    expect(lenient.body.total).toBe(1);
    const strict = await search(new URLSearchParams({ identifier, name: 'Solheim' }), { Prefer: 'handling=strict' });
    expect(strict.status).toBe(400);
    expect(strict.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported', diagnostics: expect.stringContaining('"name"') }] });
    expect(JSON.stringify(strict.body)).not.toContain('Solheim');
    // Strict handling of known parameters changes nothing.
    expect((await search(new URLSearchParams({ identifier }), { Prefer: 'return=representation, handling=strict' })).body.total).toBe(1);
  });

  it('searches by GET too, without identity numbers: by logical id, unknown parameters left out of the self link', async () => {
    const headers = { 'Ocp-Apim-Subscription-Key': subscriptionKey, Authorization: `Bearer ${await token()}`, Accept: 'application/fhir+json' };
    const localId = haukelandRecord(nin).localId;
    const get = await fetch(`${sim.url}/fhir/Patient?_id=${localId}&_revinclude=EpisodeOfCare:patient&family=Solheim`, { headers });
    expect(get.status).toBe(200);
    const bundle = (await get.json()) as { total: number; entry: { resource: { resourceType: string; id: string } }[]; link: { relation: string; url: string }[] };
    expect(bundle.total).toBe(1);
    expect(bundle.entry[0]?.resource).toMatchObject({ resourceType: 'Patient', id: localId });
    expect(bundle.entry.slice(1).every((e) => e.resource.resourceType === 'EpisodeOfCare')).toBe(true);
    expect(bundle.link.find((l) => l.relation === 'self')?.url).toBe(`${sim.url}/fhir/Patient?_id=${localId}&_revinclude=EpisodeOfCare%3Apatient&_count=50`);
    const strict = await fetch(`${sim.url}/fhir/Patient?_id=${localId}&family=Solheim`, { headers: { ...headers, Prefer: 'handling=strict' } });
    expect(strict.status).toBe(400);
    // An identity number in a URL never reaches the API: identifier searches go by POST.
    const before = sim.stats.ninInUrl;
    expect((await fetch(`${sim.url}/fhir/Patient?identifier=${identifier}`, { headers })).status).toBe(400);
    expect(sim.stats.ninInUrl).toBe(before + 1);
    const put = await fetch(`${sim.url}/fhir/Patient`, { method: 'PUT', headers });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET');
  });

  it('refuses an identity number in a GET URL with 400 and an OperationOutcome, as it refuses any bad request', async () => {
    const headers = { 'Ocp-Apim-Subscription-Key': subscriptionKey, Authorization: `Bearer ${await token()}`, Accept: 'application/fhir+json' };
    for (const url of [`/fhir/Patient?identifier=${identifier}`, `/fhir/Patient/${nin}`, `/fhir/Patient?identifier=${encodeURIComponent(identifier)}&_count=1`]) {
      const refused = await fetch(`${sim.url}${url}`, { headers });
      expect([url, refused.status, refused.headers.get('content-type')]).toEqual([url, 400, 'application/fhir+json; charset=utf-8']);
      const body = await refused.text();
      expect(JSON.parse(body)).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'security', diagnostics: expect.stringContaining('POST /fhir/Patient/_search') }] });
      expect(body).not.toContain(nin);
    }
  });

  it('pages by matched patients, each with its included resources on the same page, by an opaque id kept server-side', async () => {
    const found = population.population.persons.filter((p) => p.hospitalRecords.some((r) => r.orgNumber === HAUKELAND)).slice(0, 7);
    const body = new URLSearchParams({ identifier: found.map((p) => `${p.kind === 'DNR' ? DNR : FNR}|${p.nin}`).join(','), _count: '3' });
    for (const r of ['Encounter:subject', 'Observation:subject', 'Consent:patient']) body.append('_revinclude', r);
    const first = await search(body);
    expect(first.body.total).toBe(7);
    const headers = { 'Ocp-Apim-Subscription-Key': subscriptionKey, Authorization: `Bearer ${await token()}` };
    type Page = { entry: { resource: { resourceType: string; id: string; subject?: { reference: string }; patient?: { reference: string } }; search: { mode: string } }[]; link: { relation: string; url: string }[] };
    const pages: Page[] = [first.body as unknown as Page];
    let next = pages[0]?.link.find((l) => l.relation === 'next')?.url;
    expect(next).toMatch(/\/fhir\?_getpages=[a-z0-9-]+&_getpagesoffset=3&_count=3/);
    while (next) {
      expect(next).not.toMatch(/\d{11}/);
      const res = await fetch(next, { headers });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      pages.push(page);
      next = page.link.find((l) => l.relation === 'next')?.url;
    }
    expect(pages.map((p) => p.entry.filter((e) => e.search.mode === 'match').length)).toEqual([3, 3, 1]);
    expect(pages[1]?.link.map((l) => l.relation)).toEqual(['self', 'next', 'previous']);
    for (const page of pages) {
      // Every included resource refers to a patient matched on the same page.
      const onPage = new Set(page.entry.filter((e) => e.search.mode === 'match').map((e) => `Patient/${e.resource.id}`));
      const includes = page.entry.filter((e) => e.search.mode === 'include');
      expect(includes.length).toBeGreaterThan(0);
      for (const e of includes) expect(onPage.has(e.resource.subject?.reference ?? e.resource.patient?.reference ?? '')).toBe(true);
    }
    const gone = await fetch(`${sim.url}/fhir?_getpages=no-such-search&_getpagesoffset=5`, { headers });
    expect(gone.status).toBe(410);
  });

  it('caps _count at 200 and refuses clients that want XML', async () => {
    const capped = await search(new URLSearchParams({ identifier, _count: '1000' }));
    expect(capped.status).toBe(200);
    expect(capped.body.total).toBe(1);
    const xml = await search(new URLSearchParams({ identifier }), { Accept: 'application/fhir+xml' });
    expect(xml.status).toBe(406);
  });

  it('publishes a CapabilityStatement behind the subscription key', async () => {
    const res = await fetch(`${sim.url}/fhir/metadata`, { headers: { 'Ocp-Apim-Subscription-Key': subscriptionKey } });
    expect(res.status).toBe(200);
    const statement = (await res.json()) as { rest: { resource: { type: string; searchRevInclude: string[] }[] }[] };
    expect(statement).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    expect(statement.rest[0]?.resource.find((r) => r.type === 'Patient')?.searchRevInclude).toEqual([
      'Encounter:subject',
      'Condition:subject',
      'MedicationStatement:subject',
      'DocumentReference:subject',
      'Observation:subject',
      'CareTeam:patient',
      'Appointment:patient',
      'Task:patient',
      'EpisodeOfCare:patient',
      'Consent:patient',
      'Communication:subject',
    ]);
  });
});
