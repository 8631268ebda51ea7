import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError } from '../../kit';
import { CODE_SYSTEM } from '../../model';
import { isoDateTime, mapSearchBundle, mapSearchEntries, parseSearchPage, referencedId } from '../mapper';

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
      dose: { amount: 1, unit: 'tablett', timesPerDay: 1, text: '1 tablett 1 gang daglig' },
      status: 'ACTIVE',
      startDate: '2026-09-30',
      endDate: null,
      note: 'Dosen redusert ved utskrivning.',
      hprNumber: '5636150',
    });
    const ibuprofen = meds.find((m) => m.atc === 'M01AE01');
    expect(ibuprofen).toMatchObject({ status: 'STOPPED', endDate: '2026-09-30', strength: '400 mg' });
    expect(ibuprofen?.note).toMatch(/^Seponert ved utskrivning/);
    expect(meds.find((m) => m.atc === 'N02BE01')?.dose).toEqual({ amount: 2, unit: 'tablett', timesPerDay: 3, text: '2 tabletter 3 ganger daglig' });
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
  });

  it('shows a blocked document as existing, restricted and without content', () => {
    const doc = blocked?.documents.find((d) => d.id === 'doc-000327');
    expect(doc).toEqual({
      id: 'doc-000327',
      kind: 'OUTPATIENT_NOTE',
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      title: null,
      text: null,
      blocked: true,
      encounterId: null,
      authorHpr: null,
    });
    const open = blocked?.documents.find((d) => d.id === 'doc-000329');
    expect(open).toMatchObject({ blocked: false, title: 'Poliklinisk notat, Nevrologisk poliklinikk' });
  });

  describe('quirks a server may send', () => {
    const quirks = mapSearchBundle(fixture('quirks.json'));
    const patient = quirks.get(BLOCKED);

    it('drops a blocked document\'s title and text even when the server sends them (R and the stricter V)', () => {
      const leaky = patient?.documents.find((d) => d.id === 'doc-900001');
      expect(leaky).toMatchObject({ blocked: true, title: null, text: null, authorHpr: '9144889' });
      expect(patient?.documents.find((d) => d.id === 'doc-900002')).toMatchObject({ blocked: true, title: null, text: null, kind: 'OTHER' });
      expect(JSON.stringify(quirks)).not.toMatch(/belastende|Very restricted|Psykiatrisk/);
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
          dose: { amount: 1, unit: 'tablett', timesPerDay: 4, text: '' },
          status: 'STOPPED',
          startDate: '2026-02-20',
          endDate: '2026-03-01',
          note: null,
          hprNumber: null,
        },
      ]);
    });

    it('gives a D-number patient with nothing else an empty record', () => {
      expect(quirks.get('65849226414')).toEqual({ encounters: [], diagnoses: [], medications: [], documents: [], labResults: [] });
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

  it('refuses to map a single page that says more pages follow', () => {
    expect(() => mapSearchBundle(fixture('search-page1.json'))).toThrow(/more pages/);
  });

  it('normalises references and date-times', () => {
    expect(referencedId('Patient/abc', 'Patient')).toBe('abc');
    expect(referencedId('https://h/fhir/Patient/abc/_history/2', 'Patient')).toBe('abc');
    expect(referencedId('Encounter/abc', 'Patient')).toBeNull();
    expect(referencedId('#contained', 'Patient')).toBeNull();
    expect(isoDateTime('2026-01-15T14:00:00+01:00')).toBe('2026-01-15T13:00:00Z');
    expect(isoDateTime('2026-01-15')).toBe('2026-01-15');
  });
});
