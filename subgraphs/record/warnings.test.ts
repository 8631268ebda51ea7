import type { HospitalRecordModel } from '../../adapters/model';
import type { PersonnelIdentity } from '../../lib/identity';
import { hospitalLabFacts } from '../kit/cdsFacts';
import type { SourceStatus } from '../kit/outcomes';
import type { MedicationEntry } from '../kit/shapes';
import type { SourceInfo } from '../kit/SourceDirectory';
import { warningsOf } from './warnings';

/**
 * The record subgraph's side of decision support: what a block hides never reaches a warning, proposed orders are
 * named as such, and a failed source is named.
 */
const HAUKELAND = '983974724';
const hospital = { sourceId: 'hospital-haukeland', system: 'hospital-fhir', sector: 'HOSPITAL', organisation: 'Haukeland universitetssjukehus', orgNumber: HAUKELAND, masked: false } as unknown as SourceInfo;
const reader = (orgNumber: string): PersonnelIdentity => ({ kind: 'PERSONNEL', role: 'CLINICIAN', issuer: 't', hprNumber: '565501', orgNumber, childOrgNumber: null, herId: null, profession: 'LE', purpose: 'TREAT', emergencyReason: null });

const metformin: MedicationEntry = {
  atc: 'A10BA02',
  name: 'Metformin',
  strength: '500 mg',
  form: 'tablett',
  dose: { amount: 1, unit: 'tablett', timesPerDay: 2, text: '1 tablett 2 ganger daglig', asNeeded: false, intervalDays: 1 },
  status: 'ACTIVE',
  startDate: '2024-01-01',
  endDate: null,
  lastDispensed: null,
  note: null,
  kind: 'GP_PRESCRIPTION',
  provenance: { sourceId: 'gp-nordlys-vest', system: 'gp-kith', sector: 'GP', organisation: 'Nordnes legekontor', recordId: 'rx-1' },
};

/** A psychiatric outpatient note, blocked for everyone outside Haukeland, whose visit measured a creatinine of 250 µmol/L. */
const record = {
  documents: [{ id: 'doc-psy', kind: 'OUTPATIENT_NOTE', date: '2026-10-01', title: 'Poliklinisk notat', text: '…', blocked: true, encounterId: 'enc-psy' }],
  blocks: [{ id: 'b1', documentIds: ['doc-psy'], deniesEveryone: true, deniedPersons: [], deniedOrganisations: [], exceptOrganisations: [HAUKELAND], exceptPersons: [] }],
  labResults: [{ id: 'obs-krea', time: '2026-10-01T09:00:00Z', code: { system: 'urn:oid:2.16.578.1.12.4.1.1.7280', code: 'NPU04998', display: 'Kreatinin' }, value: 250, unit: 'umol/L', referenceLow: 45, referenceHigh: 90, encounterId: 'enc-psy' }],
} as unknown as HospitalRecordModel;

const ok = (system: string, sector: string): SourceStatus => ({ sourceId: system, system, sector: sector as SourceStatus['sector'], organisation: null, state: 'OK', holdsRecord: true, errorCode: null, message: null, latencyMs: 1, dataAgeSeconds: null });
const facts = (orgNumber: string) => ({
  entries: [metformin],
  facts: hospitalLabFacts(record, hospital, reader(orgNumber)),
  birthDate: '1950-03-01',
  sex: 'FEMALE',
  deceasedDate: null,
  statuses: [ok('population-register', 'REGISTRY'), ok('hospital-haukeland', 'HOSPITAL')],
});

describe('warnings on the record subgraph', () => {
  it('uses a result from a blocked note’s visit only for a reader the block lets in', () => {
    const inside = warningsOf(facts(HAUKELAND), '2026-11-01');
    const renal = inside.find((w) => w.kind === 'RENAL');
    expect(renal?.medications).toEqual(['A10BA02']);
    expect(renal?.evidence.map((e) => e.provenance?.recordId)).toContain('obs-krea');
    // Outside Haukeland the note is hidden, and so is what its visit measured: no warning rests on it.
    const outside = warningsOf(facts('974557746'), '2026-11-01');
    expect(outside.some((w) => w.kind === 'RENAL' && !w.ruleId.endsWith('-PARTIAL'))).toBe(false);
    expect(JSON.stringify(outside)).not.toContain('obs-krea');
  });

  it('names a proposed order `proposed:<id>`, and its evidence has no provenance', () => {
    const warnings = warningsOf({ ...facts(HAUKELAND), entries: [] }, '2026-11-01', [{ id: 'draft-1', atc: 'A10BA02', name: 'Metformin', amount: 500, unit: 'mg', timesPerDay: 2 }]);
    const renal = warnings.find((w) => w.kind === 'RENAL');
    expect(renal?.medications).toEqual(['proposed:draft-1']);
    expect(renal?.evidence.find((e) => e.what.includes('Metformin'))?.provenance).toBeNull();
  });

  it('says which source is missing, and is the same for the same record', () => {
    const failed = { ...facts(HAUKELAND), statuses: [ok('population-register', 'REGISTRY'), { ...ok('hospital-haukeland', 'HOSPITAL'), state: 'TIMEOUT' as const }] };
    const warnings = warningsOf(failed, '2026-11-01');
    expect(warnings.filter((w) => w.partial).flatMap((w) => w.missingSources)).toContain('hospital-haukeland');
    expect(warningsOf(failed, '2026-11-01')).toEqual(warnings);
  });
});
