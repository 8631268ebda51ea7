import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError } from '../../kit';
import { CODE_SYSTEM } from '../../model';
import { isoDateOrDateTime, isoDateTime, mapSearchBundle, mapSearchEntries, parseSearchPage, referencedId } from '../mapper';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const page1 = parseSearchPage(fixture('search-page1.json'));
const page2 = parseSearchPage(fixture('search-page2.json'));
const HOME_CARE = '03864013065';
const BLOCKED = '14887447870';

describe('hospital FHIR mapper', () => {
  const records = mapSearchEntries([...page1.entries, ...page2.entries]);
  const homeCare = records.get(HOME_CARE);
  const blocked = records.get(BLOCKED);

  it('reads the next link of a page and none on the last', () => {
    expect(page1.next).toMatch(/^http:\/\/hospital\.test\/fhir\?_getpages=[a-f0-9-]+&_getpagesoffset=20&_count=20/);
    expect(page2.next).toBeNull();
  });

  it('maps an encounter: class, local time with offset to UTC, department, attending HPR, ranked diagnoses', () => {
    expect(homeCare?.encounters).toEqual([
      {
        id: 'enc-000007',
        class: 'INPATIENT',
        start: '2026-09-21T09:33:00Z',
        end: '2026-09-30T12:00:00Z',
        department: 'Hjerteavdelingen',
        diagnoses: [
          { system: CODE_SYSTEM.icd10, code: 'I50', display: 'Hjertesvikt' },
          { system: CODE_SYSTEM.icd10, code: 'I48', display: 'Atrieflimmer og atrieflutter' },
          { system: CODE_SYSTEM.icd10, code: 'I10', display: 'Essensiell (primær) hypertensjon' },
          { system: CODE_SYSTEM.icd10, code: 'M17', display: 'Artrose i kne' },
        ],
        hprNumber: '5636150',
        referralIds: [],
      },
    ]);
  });

  it('marks the diagnosis an encounter ranks first as primary', () => {
    const primary = homeCare?.diagnoses.filter((d) => d.primary);
    expect(primary).toEqual([
      { id: 'enc-000007-dx1', code: { system: CODE_SYSTEM.icd10, code: 'I50', display: 'Hjertesvikt' }, primary: true, recorded: '2026-09-30T12:00:00Z', encounterId: 'enc-000007' },
    ]);
    expect(homeCare?.diagnoses).toHaveLength(4);
  });

  it('maps medication statements: ATC, name and strength, dose, status, period and note', () => {
    const meds = homeCare?.medications ?? [];
    expect(meds).toHaveLength(6);
    expect(meds.find((m) => m.atc === 'C07AB02')).toEqual({
      id: 'ms-000015',
      atc: 'C07AB02',
      name: 'Metoprolol',
      strength: '25 mg',
      form: null,
      dose: { amount: 1, unit: 'tablett', timesPerDay: 1, intervalDays: 1, asNeeded: null, text: '1 tablett 1 gang daglig' },
      status: 'ACTIVE',
      startDate: '2026-09-30',
      endDate: null,
      note: 'Dosen redusert ved utskrivning.',
      hprNumber: '5636150',
    });
    const ibuprofen = meds.find((m) => m.atc === 'M01AE01');
    expect(ibuprofen).toMatchObject({ status: 'STOPPED', endDate: '2026-09-30', strength: '400 mg' });
    expect(ibuprofen?.note).toMatch(/^Seponert ved utskrivning/);
    expect(meds.find((m) => m.atc === 'N02BE01')?.dose).toEqual({ amount: 2, unit: 'tablett', timesPerDay: 3, intervalDays: 1, asNeeded: null, text: '2 tabletter 3 ganger daglig' });
  });

  it('decodes a discharge summary from base64 and keeps its title, author and encounter', () => {
    const [doc] = homeCare?.documents ?? [];
    expect(doc).toMatchObject({
      id: 'doc-000020',
      kind: 'DISCHARGE_SUMMARY',
      date: '2026-09-30T12:00:00Z',
      title: 'Epikrise, Hjerteavdelingen',
      blocked: false,
      encounterId: 'enc-000007',
      authorHpr: '5636150',
    });
    expect(doc?.text).toMatch(/^Innlagt 2026-09-21, utskrevet 2026-09-30 \(9 døgn\), Hjerteavdelingen\.\nHoveddiagnose: I50 Hjertesvikt\./);
  });

  it('maps lab results newest first, with UCUM quantity, reference range and encounter', () => {
    const labs = homeCare?.labResults ?? [];
    expect(labs).toHaveLength(6);
    const times = labs.map((l) => l.time);
    expect(times).toEqual([...times].sort().reverse());
    expect(labs.find((l) => l.id === 'obs-000008')).toEqual({
      id: 'obs-000008',
      time: '2026-09-21T09:51:00Z',
      code: { system: CODE_SYSTEM.loinc, code: '33762-6', display: 'NT-proBNP' },
      value: 3420,
      unit: 'ng/L',
      referenceLow: 0,
      referenceHigh: 450,
      encounterId: 'enc-000007',
    });
    // A hand-edited entry refers to its patient by an absolute, versioned URL: it still belongs to her.
    expect(labs.some((l) => l.id === 'obs-000013')).toBe(true);
  });

  it('joins resources spread over two pages to their patient, newest first', () => {
    expect(blocked?.encounters.map((e) => e.id)).toEqual(['enc-000328', 'enc-000326']);
    expect(blocked?.encounters.every((e) => e.class === 'OUTPATIENT')).toBe(true);
    expect(blocked?.medications).toEqual([]);
    expect(blocked?.documents.map((d) => d.id)).toEqual(['doc-000329', 'doc-000327']);
    // Her episode of care came on the second page, after the first page's twenty entries.
    expect(homeCare?.careEpisodes.map((e) => e.id)).toEqual(['eoc-000007']);
  });

  it('keeps a blocked document whole when a block it can read covers it, and marks it withheld from the patient', () => {
    expect(blocked?.documents.find((d) => d.id === 'doc-000327')).toEqual({
      id: 'doc-000327',
      kind: 'OUTPATIENT_NOTE',
      date: '2026-06-04T15:00:00Z',
      title: 'Poliklinisk notat, Psykiatrisk poliklinikk',
      text: expect.stringMatching(/^Poliklinisk kontroll for depressiv episode\./),
      blocked: true,
      withheldFromPatient: true,
      encounterId: 'enc-000326',
      authorHpr: '5334768',
    });
    expect(blocked?.documents.find((d) => d.id === 'doc-000329')).toMatchObject({ blocked: false, withheldFromPatient: false, title: 'Poliklinisk notat, Nevrologisk poliklinikk' });
    expect(homeCare?.documents[0]?.withheldFromPatient).toBe(false);
  });

  it("maps the patient's blocks: the document denied to all but the hospital, the doctor denied the whole record", () => {
    expect(blocked?.blocks).toEqual([
      {
        id: 'consent-doc-000327',
        documentIds: ['doc-000327'],
        deniesEveryone: true,
        deniedPersons: [],
        deniedOrganisations: [],
        exceptOrganisations: ['983974724'],
        exceptPersons: [],
      },
      {
        id: 'consent-3c7bc12be98b-person-1',
        documentIds: null,
        deniesEveryone: false,
        deniedPersons: ['9429915'],
        deniedOrganisations: [],
        exceptOrganisations: [],
        exceptPersons: [],
      },
    ]);
    expect(homeCare?.blocks).toEqual([]);
  });

  it('maps episodes of care: status, period in UTC, department and managing organisation', () => {
    expect(homeCare?.careEpisodes).toEqual([
      { id: 'eoc-000007', status: 'ACTIVE', start: '2026-09-21T09:33:00Z', end: null, department: 'Hjerteavdelingen', orgNumber: '983974724' },
    ]);
    expect(blocked?.careEpisodes.map((e) => [e.id, e.status, e.department])).toEqual([
      ['eoc-000328', 'ACTIVE', 'Nevrologisk poliklinikk'],
      ['eoc-000326', 'ACTIVE', 'Psykiatrisk poliklinikk'],
    ]);
  });

  describe('blocks as a source may record them', () => {
    const record = mapSearchBundle(fixture('blocks.json')).get('23850274401');
    const block = (id: string) => record?.blocks.find((b) => b.id === id);
    const none = { deniedPersons: [], deniedOrganisations: [], exceptOrganisations: [], exceptPersons: [] };

    it('reads a document block with an organisation and a person excepted, and a denial nested in an exception', () => {
      expect(block('sperring-1')).toEqual({
        ...none,
        id: 'sperring-1',
        documentIds: ['doc-b1'],
        deniesEveryone: true,
        exceptOrganisations: ['983974724'],
        exceptPersons: ['1234567'],
      });
      // Denied again inside the hospital's exception: a block of its own, over the whole record (wider is safe).
      expect(block('sperring-1/0/0')).toEqual({ ...none, id: 'sperring-1/0/0', documentIds: null, deniesEveryone: false, deniedPersons: ['5555555'] });
    });

    it('reads a block on a named person as covering the whole record', () => {
      expect(block('sperring-2')).toEqual({ ...none, id: 'sperring-2', documentIds: null, deniesEveryone: false, deniedPersons: ['7654321'] });
    });

    it('honours a denial of an actor it cannot read for everyone, keeping the ones it can read', () => {
      expect(block('sperring-3')).toEqual({ ...none, id: 'sperring-3', documentIds: null, deniesEveryone: true, deniedOrganisations: ['974557746'] });
      // The author role says whose data, not who may read: not a refusal we can read, so it refuses everyone.
      expect(block('sperring-7')).toEqual({ ...none, id: 'sperring-7', documentIds: null, deniesEveryone: true });
    });

    it('widens a block whose data is more than documents to the whole record, and ignores an exception narrowed by a period', () => {
      expect(block('sperring-5')).toEqual({ ...none, id: 'sperring-5', documentIds: null, deniesEveryone: false, deniedOrganisations: ['974557746'] });
    });

    it('reads a denial inside a consent to share, and ignores a consent that is not active', () => {
      expect(block('sperring-6/0')).toEqual({ ...none, id: 'sperring-6/0', documentIds: null, deniesEveryone: false, deniedPersons: ['1112223'] });
      expect(block('sperring-6')).toBeUndefined();
      expect(record?.blocks.some((b) => b.id.startsWith('sperring-4'))).toBe(false);
    });

    it('drops the content of a restricted document no block explains, and blocks it for everyone', () => {
      expect(record?.documents.find((d) => d.id === 'doc-b2')).toEqual({
        id: 'doc-b2',
        kind: 'OUTPATIENT_NOTE',
        date: '2026-04-01T06:00:00Z',
        title: null,
        text: null,
        blocked: true,
        withheldFromPatient: false,
        encounterId: null,
        authorHpr: null,
      });
      expect(block('restricted-doc-b2')).toEqual({ ...none, id: 'restricted-doc-b2', documentIds: ['doc-b2'], deniesEveryone: true });
      expect(JSON.stringify(record)).not.toMatch(/Innkomstjournal|Anamnese/);
    });

    it('keeps a covered restricted document whole, and marks NOPAT withheld from the patient whether restricted or not', () => {
      expect(record?.documents.find((d) => d.id === 'doc-b1')).toMatchObject({
        blocked: true,
        withheldFromPatient: true,
        title: 'Poliklinisk notat, Psykiatrisk poliklinikk',
        text: 'Samtale om vanskelig livssituasjon.',
        authorHpr: '3141592',
        encounterId: 'enc-b1',
      });
      expect(record?.documents.find((d) => d.id === 'doc-b3')).toMatchObject({ blocked: false, withheldFromPatient: true, text: 'Kontroll for migrene.' });
      expect(record?.blocks.map((b) => b.id)).toEqual(['sperring-1', 'sperring-1/0/0', 'sperring-2', 'sperring-3', 'sperring-5', 'sperring-6/0', 'sperring-7', 'restricted-doc-b2']);
    });

    it('maps episodes of care active and finished, other statuses as OTHER, and leaves out entered-in-error', () => {
      expect(record?.careEpisodes).toEqual([
        { id: 'eoc-b1', status: 'ACTIVE', start: '2026-05-04T07:30:00Z', end: null, department: 'Psykiatrisk poliklinikk', orgNumber: '983974724' },
        { id: 'eoc-b2', status: 'FINISHED', start: '2026-03-30T20:15:00Z', end: '2026-04-03T09:00:00Z', department: 'Gynekologisk avdeling', orgNumber: null },
        { id: 'eoc-b3', status: 'OTHER', start: null, end: null, department: null, orgNumber: null },
      ]);
    });

    it('rejects a block whose patient is not in the answer, and a provision that is neither deny nor permit', () => {
      const bundle = (resource: Record<string, unknown>) =>
        JSON.stringify({
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            { resource: { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: HOME_CARE }] } },
            { resource: { resourceType: 'Consent', id: 'c1', status: 'active', patient: { reference: 'Patient/p1' }, ...resource } },
          ],
        });
      expect(() => mapSearchBundle(bundle({ patient: { reference: 'Patient/p2' } }))).toThrow(/entry 1 \(Consent\) refers to a patient that is not in the answer/);
      expect(() => mapSearchBundle(bundle({ provision: { type: 'maybe' } }))).toThrow(/entry 1 \(Consent\).*provision\.type/);
      expect(() => mapSearchBundle(bundle({ provision: { type: 'deny', provision: [{ type: 'permit', actor: [{ reference: 'Organization/1' }] }] } }))).toThrow(
        /provision\.provision\.0\.actor\.0\.reference/,
      );
    });
  });

  describe('quirks a server may send', () => {
    const quirks = mapSearchBundle(fixture('quirks.json'));
    const patient = quirks.get(BLOCKED);

    it('drops the content, author and encounter of a restricted document no block explains (R and the stricter V)', () => {
      const leaky = patient?.documents.find((d) => d.id === 'doc-900001');
      expect(leaky).toMatchObject({ blocked: true, title: null, text: null, authorHpr: null, encounterId: null });
      expect(patient?.documents.find((d) => d.id === 'doc-900002')).toMatchObject({ blocked: true, title: null, text: null, kind: 'OTHER' });
      expect(JSON.stringify(quirks)).not.toMatch(/belastende|Very restricted|Psykiatrisk|9144889/);
      expect(patient?.blocks.map((b) => [b.id, b.documentIds, b.deniesEveryone])).toEqual([
        ['restricted-doc-900001', ['doc-900001'], true],
        ['restricted-doc-900002', ['doc-900002'], true],
      ]);
    });

    it('keeps a document whose content is a PDF by reference, without text', () => {
      expect(patient?.documents.find((d) => d.id === 'doc-900004')).toMatchObject({ kind: 'OUTPATIENT_NOTE', title: 'Skannet notat', text: null, blocked: false });
    });

    it('leaves out entered-in-error resources, non-laboratory observations, outcome entries and unknown types', () => {
      expect(patient?.documents.map((d) => d.id)).toEqual(['doc-900001', 'doc-900002', 'doc-900004']);
      expect(patient?.labResults.map((l) => l.id)).toEqual(['obs-900003']);
      expect(patient?.labResults[0]).toMatchObject({ value: null, unit: null, referenceLow: null, time: '2026-07-02T06:00:00Z' });
    });

    it('maps a completed course with an hourly timing to STOPPED and four times a day', () => {
      expect(patient?.medications).toEqual([
        {
          id: 'ms-900001',
          atc: 'J01CE02',
          name: 'Fenoksymetylpenicillin',
          strength: null,
          form: null,
          dose: { amount: 1, unit: 'tablett', timesPerDay: 4, intervalDays: 1, asNeeded: null, text: '' },
          status: 'STOPPED',
          startDate: '2026-02-20',
          endDate: '2026-03-01',
          note: null,
          hprNumber: null,
        },
      ]);
    });

    it('gives a D-number patient with nothing else an empty record', () => {
      expect(quirks.get('65849226767')).toEqual({
        encounters: [],
        diagnoses: [],
        medications: [],
        documents: [],
        labResults: [],
        careEpisodes: [],
        blocks: [],
        documentReferrals: [],
        careTeam: [],
        appointments: [],
        referralAssessments: [],
        messages: [],
      });
      expect(quirks.size).toBe(2);
    });
  });

  it('rejects garbage and wrong shapes with a bad-response error that quotes no values', () => {
    expect(() => parseSearchPage('{"resourceType": "Bundle", "entr')).toThrow(BadResponseError);
    expect(() => parseSearchPage(JSON.stringify({ resourceType: 'OperationOutcome', issue: [] }))).toThrow(/resourceType/);
    const wrong = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: { resourceType: 'Patient', id: 'p1', identifier: '03864013065' }, search: { mode: 'match' } }],
    };
    expect(() => mapSearchBundle(JSON.stringify(wrong))).toThrow(/entry 0 \(Patient\).*identifier/);
    expect(() => mapSearchBundle(JSON.stringify(wrong))).not.toThrow(/03864013065/);
  });

  it('rejects a patient without an identity number and a resource whose patient is not in the answer', () => {
    const noNin = { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:x', value: 'Solheim' }] } }] };
    expect(() => mapSearchBundle(JSON.stringify(noNin))).toThrow(/no national identity number/);
    expect(() => mapSearchBundle(JSON.stringify(noNin))).not.toThrow(/Solheim/);
    const orphan = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: HOME_CARE }] } },
        { resource: { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/p2' }, period: { start: '2026-01-01T10:00:00+01:00' } } },
      ],
    };
    expect(() => mapSearchBundle(JSON.stringify(orphan))).toThrow(/entry 1 \(Encounter\) refers to a patient that is not in the answer/);
  });

  it('rejects dates FHIR does not allow and base64 that is not base64', () => {
    const bundle = (resource: Record<string, unknown>) =>
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [
          { resource: { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: HOME_CARE }] } },
          { resource: { subject: { reference: 'Patient/p1' }, ...resource } },
        ],
      });
    const encounter = { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: 'IMP' } };
    expect(() => mapSearchBundle(bundle({ ...encounter, period: { start: '21.09.2026 11:33' } }))).toThrow(/period\.start/);
    expect(() => mapSearchBundle(bundle({ ...encounter, period: { start: '2026-09-21T11:33:00' } }))).toThrow(BadResponseError);
    const doc = { resourceType: 'DocumentReference', id: 'd1', status: 'current', date: '2026-09-30', content: [{ attachment: { data: 'ikke base64!' } }] };
    expect(() => mapSearchBundle(bundle(doc))).toThrow(/content\.0\.attachment\.data/);
  });

  it('rejects a medication statement that names no medicine without quoting its id', () => {
    const bundle = JSON.stringify({
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: HOME_CARE }] } },
        { resource: { resourceType: 'MedicationStatement', id: `ingrid-solheim-${HOME_CARE}`, status: 'active', subject: { reference: 'Patient/p1' }, medicationCodeableConcept: {} } },
      ],
    });
    expect(() => mapSearchBundle(bundle)).toThrow(/a MedicationStatement names no medicine/);
    expect(() => mapSearchBundle(bundle)).not.toThrow(/ingrid|solheim|03864013065/);
  });

  it('reads the GP referrals an encounter was based on, and the referrals behind each document', () => {
    const REFERRAL = 'urn:x-patient-graph:identifier:gp-referral';
    const serviceRequest = (id: string, value: string, system = REFERRAL) => ({ resourceType: 'ServiceRequest', id, identifier: [{ system, value }], status: 'completed', intent: 'order', subject: { reference: 'Patient/p1' } });
    const encounter = (id: string, over: Record<string, unknown>) => ({
      resourceType: 'Encounter',
      id,
      status: 'finished',
      class: { code: 'AMB' },
      subject: { reference: 'Patient/p1' },
      period: { start: '2026-05-03T10:00:00+02:00' },
      ...over,
    });
    const doc = (id: string, encounterId: string) => ({
      resourceType: 'DocumentReference',
      id,
      status: 'current',
      date: '2026-06-04T15:00:00+02:00',
      subject: { reference: 'Patient/p1' },
      context: { encounter: [{ reference: `Encounter/${encounterId}` }] },
      content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('Notat').toString('base64') } }],
    });
    const bundle = JSON.stringify({
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: HOME_CARE }] } },
        // The hospital's copy of the referral, contained; a referral named by identifier alone.
        { resource: encounter('e1', { contained: [serviceRequest('henvisning', 'henv-a')], basedOn: [{ reference: '#henvisning' }] }) },
        { resource: encounter('e2', { basedOn: [{ identifier: { system: REFERRAL, value: 'henv-b' } }, { reference: '#henvisning' }] }) },
        // Another system's identifier, or a ServiceRequest outside the answer, is not the GP's referral id.
        { resource: encounter('e3', { contained: [serviceRequest('s', 'x-1', 'urn:oid:2.16.578.1.12.4.1.9999')], basedOn: [{ reference: '#s' }, { reference: 'ServiceRequest/99' }] }) },
        { resource: encounter('e4', {}) },
        { resource: doc('d1', 'e1') },
        { resource: doc('d2', 'e3') },
        { resource: doc('d3', 'e2') },
      ],
    });
    const record = mapSearchBundle(bundle).get(HOME_CARE);
    expect(Object.fromEntries(record?.encounters.map((e) => [e.id, e.referralIds]) ?? [])).toEqual({ e1: ['henv-a'], e2: ['henv-b'], e3: [], e4: [] });
    expect(record?.documentReferrals).toEqual([
      { documentId: 'd1', referralIds: ['henv-a'] },
      { documentId: 'd3', referralIds: ['henv-b'] },
    ]);
  });

  describe('the care team, appointments and answers to referrals', () => {
    // From the simulator for Egil Rønning (St. Olavs) and Astrid Kvamme (Haukeland), dated 1 November 2026.
    const coordination = mapSearchBundle(fixture('coordination.json'));
    const egil = coordination.get('05895922945');
    const astrid = coordination.get('05864538616');

    it('reads the responsible physician from EpisodeOfCare.careManager and the contact person from its CareTeam, each with a period', () => {
      expect(egil?.careTeam).toEqual([
        { role: 'RESPONSIBLE_PHYSICIAN', hprNumber: '9107601', name: { given: 'Ida', middle: null, family: 'Nguyen' }, service: 'Hjerteavdelingen', orgNumber: '974557746', herId: null, phone: null, start: '2025-09-27', end: '2025-10-03' },
        { role: 'CONTACT_PERSON', hprNumber: '1773817', name: { given: 'Håkon', middle: null, family: 'Knutsen' }, service: 'Hjerteavdelingen', orgNumber: '974557746', herId: '91001', phone: null, start: '2025-09-27', end: '2025-10-03' },
      ]);
      // Astrid Kvamme is still followed up: no end.
      expect(astrid?.careTeam?.map((m) => [m.role, m.service, m.end])).toEqual([
        ['RESPONSIBLE_PHYSICIAN', 'Lungemedisinsk avdeling', null],
        ['CONTACT_PERSON', 'Lungemedisinsk avdeling', null],
      ]);
    });

    it('reads a booked appointment in UTC, with its department, doctor and the GP referral it follows', () => {
      expect(egil?.appointments).toEqual([
        {
          id: 'avtale-olnvlnunjlvyvl',
          kind: 'APPOINTMENT',
          time: '2026-11-20T08:15:00Z',
          title: 'Poliklinisk utredning etter henvisning',
          service: 'Hjertepoliklinikken',
          status: 'BOOKED',
          deadline: null,
          referralId: 'henv-gchfxdmbakoqwe',
          hprNumber: '9107601',
        },
      ]);
      expect(astrid?.appointments).toEqual([]);
    });

    it('reads the answer to a referral from its Task: accepted with a deadline, or returned with the reason', () => {
      expect(egil?.referralAssessments).toEqual([
        {
          id: 'vurdering-fvtebpgurwdvuf',
          referralId: 'henv-gchfxdmbakoqwe',
          status: 'ACCEPTED',
          received: '2026-10-23',
          answered: '2026-10-26',
          answerDue: null,
          deadline: '2026-12-13',
          service: 'Hjertepoliklinikken',
          herId: '91006',
          note: 'Rett til nødvendig helsehjelp i spesialisthelsetjenesten.',
          hprNumber: '9107601',
        },
      ]);
      expect(astrid?.referralAssessments).toEqual([
        expect.objectContaining({ status: 'RETURNED', answered: '2026-10-16', deadline: null, note: expect.stringMatching(/^Returnert til henviser: kan utredes i allmennpraksis/), hprNumber: '2459378' }),
      ]);
    });

    it('leaves out what is not planned or no answer: cancelled appointments, tasks on something else, roles it does not know', () => {
      const patient = { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: HOME_CARE }] };
      const who = [{ actor: { reference: 'Patient/p1' }, status: 'accepted' }];
      const referral = { type: 'ServiceRequest', identifier: { system: 'urn:x-patient-graph:identifier:gp-referral', value: 'henv-x' } };
      const task = (id: string, over: Record<string, unknown>) => ({ resourceType: 'Task', id, status: 'received', intent: 'order', for: { reference: 'Patient/p1' }, authoredOn: '2026-10-01', focus: referral, ...over });
      const record = mapSearchEntries(
        [
          patient,
          { resourceType: 'Appointment', id: 'a1', status: 'cancelled', start: '2026-12-01T09:00:00+01:00', participant: who },
          { resourceType: 'Appointment', id: 'a2', status: 'proposed', participant: who },
          { resourceType: 'Appointment', id: 'a3', status: 'pending', start: '2026-12-02T09:00:00+01:00', serviceType: [{ text: 'Lungepoliklinikken' }], participant: who },
          task('t1', { focus: { reference: 'ServiceRequest/other' } }),
          task('t2', { status: 'draft' }),
          task('t3', { restriction: { period: { end: '2026-10-15' } } }),
          {
            resourceType: 'CareTeam',
            id: 'c1',
            subject: { reference: 'Patient/p1' },
            participant: [
              { role: [{ text: 'Sosionom' }], member: { display: 'Kari Nordmann' } },
              { role: [{ text: 'Kontaktperson' }], member: { display: 'Ola Nordmann' }, onBehalfOf: { display: 'Medisinsk avdeling' }, period: { start: '2026-01-01', end: '2026-02-01' } },
              { role: [{ text: 'Kontaktperson' }] },
            ],
          },
        ].map((resource) => ({ resource })),
      ).get(HOME_CARE);
      expect(record?.appointments?.map((a) => [a.id, a.status, a.service])).toEqual([['a3', 'PLANNED', 'Lungepoliklinikken']]);
      expect(record?.referralAssessments?.map((a) => [a.id, a.status, a.answered, a.answerDue, a.deadline])).toEqual([['t3', 'RECEIVED', null, '2026-10-15', null]]);
      // A role read by its text; a person without a name or an HPR number is no member.
      expect(record?.careTeam).toEqual([
        { role: 'CONTACT_PERSON', hprNumber: null, name: { given: 'Ola', middle: null, family: 'Nordmann' }, service: 'Medisinsk avdeling', orgNumber: null, herId: null, phone: null, start: '2026-01-01', end: '2026-02-01' },
      ]);
    });

    it('rejects an appointment whose patient is not in the answer', () => {
      const entries = [
        { resource: { resourceType: 'Patient', id: 'p1', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: HOME_CARE }] } },
        { resource: { resourceType: 'Appointment', id: 'a1', status: 'booked', start: '2026-12-01T09:00:00+01:00', participant: [{ actor: { reference: 'Patient/p9' } }] } },
      ];
      expect(() => mapSearchEntries(entries)).toThrow(BadResponseError);
    });
  });

  it('refuses to map a single page that says more pages follow', () => {
    expect(() => mapSearchBundle(fixture('search-page1.json'))).toThrow(/more pages/);
  });

  it('normalises references and date-times', () => {
    expect(referencedId('Patient/abc', 'Patient')).toBe('abc');
    expect(referencedId('https://h/fhir/Patient/abc/_history/2', 'Patient')).toBe('abc');
    expect(referencedId('Encounter/abc', 'Patient')).toBeNull();
    expect(referencedId('#contained', 'Patient')).toBeNull();
    expect(isoDateTime('2026-01-15T14:00:00+01:00')).toBe('2026-01-15T13:00:00Z');
    // An instant field given only the day (FHIR allows it): the start of that day in Norway.
    expect(isoDateTime('2026-01-15')).toBe('2026-01-14T23:00:00Z');
    expect(isoDateTime('2026-07-15')).toBe('2026-07-14T22:00:00Z');
    // A field that is a day or an instant keeps a day as a day.
    expect(isoDateOrDateTime('2026-01-15')).toBe('2026-01-15');
    expect(isoDateOrDateTime('2026-01-15T14:00:00+01:00')).toBe('2026-01-15T13:00:00Z');
    expect(() => isoDateOrDateTime('2026-02-30')).toThrow(BadResponseError);
  });
});
