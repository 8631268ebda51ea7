import type { BlockModel, CareRecordModel, GpListingModel, GpRecordModel, HospitalRecordModel, PowerOfAttorneyModel, RegistryPerson, RepresentationModel } from '../../../adapters/model';
import { SourceError } from '../../../adapters/kit';
import type { Identity, PersonnelIdentity } from '../../../lib/identity';
import type { SourceOutcome } from '../outcomes';
import type { SourceInfo } from '../SourceDirectory';
import { blockDenies, documentBlocked } from './blocks';
import { citizenMay, gpRecordForReader, grantsHealthData, parentOfChildWhoMayKeep, readsAsParent, referralHidden } from './AccessDecision';
import { decideAccess, routingOf, yearsBefore, type AccessFacts } from './decideAccess';
import { recordLookbackYears } from './decider';

const NIN = '03864013065';
const source: SourceInfo = { sourceId: 's', system: 'x', sector: 'REGISTRY', organisation: 'o', orgNumber: null };
const ok = <V>(value: V | null): SourceOutcome<V> => ({ ok: true, value, source, ms: 1 });
const failed = <V>(): SourceOutcome<V> => ({ ok: false, error: new SourceError('SOURCE_UNAVAILABLE', 's', 's could not be reached'), source, ms: 1 });

const person: RegistryPerson = {
  name: { given: 'Ingrid', middle: null, family: 'Solheim' },
  birthDate: '1940-06-03',
  sex: 'FEMALE',
  deceasedDate: null,
  address: null,
  addressProtection: 'NONE',
  municipalityNumber: '4601',
};
const listing: GpListingModel = { gpHprNumber: '9217889', gpName: null, office: { herId: '81241', name: 'Nordnes legekontor', orgNumber: '923456783', recordSystem: null }, since: null };
const care = (end: string | null): CareRecordModel => ({
  services: [{ id: 's1', type: 'HOME_NURSING', description: 'Hjemmesykepleie', decisionDate: null, start: '2024-01-01', end, hoursPerWeek: null, unit: null }],
  visits: [],
  functionalAssessment: null,
  nextOfKin: [],
  welfareTechnology: [],
  medications: [],
  administrations: [],
});
const block = (b: Partial<BlockModel>): BlockModel => ({ id: 'b', documentIds: null, deniesEveryone: false, deniedPersons: [], deniedOrganisations: [], exceptOrganisations: [], exceptPersons: [], ...b });
const hospital = (h: Partial<HospitalRecordModel>): HospitalRecordModel => ({ encounters: [], diagnoses: [], medications: [], documents: [], labResults: [], careEpisodes: [], blocks: [], ...h });

const clinician = (p: Partial<PersonnelIdentity>): Identity => ({
  kind: 'PERSONNEL',
  role: 'CLINICIAN',
  issuer: 'test',
  hprNumber: '1111111',
  orgNumber: '999999999',
  childOrgNumber: null,
  herId: null,
  profession: 'LE',
  purpose: 'TREAT',
  emergencyReason: null,
  ...p,
});

const HAUKELAND = '983974724';
const STOLAV = '974557746';
/** Access facts of both connected hospitals; Bergen (4601) is in Haukeland's catchment only. */
const hospitals = (haukeland: SourceOutcome<HospitalRecordModel> = ok(null), stolav: SourceOutcome<HospitalRecordModel> = ok(null)) => [
  { orgNumber: HAUKELAND, outcome: haukeland },
  { orgNumber: STOLAV, outcome: stolav },
];
const facts = (f: Partial<AccessFacts>): AccessFacts => ({
  reader: clinician({}),
  nin: NIN,
  person: ok(person),
  listing: ok(listing),
  gpOfficeOrgNumber: '923456783',
  hospitals: hospitals(),
  catchment: (m) => (m === '4601' ? [HAUKELAND] : [STOLAV]),
  today: '2026-11-30',
  ...f,
});

describe('decideAccess', () => {
  it('grants the regular GP, and anyone at the office that runs the list', () => {
    expect(decideAccess(facts({ reader: clinician({ hprNumber: '9217889', orgNumber: '111111111' }) })).grounds).toEqual([{ kind: 'GP_LIST', orgNumber: '923456783' }]);
    expect(decideAccess(facts({ reader: clinician({ orgNumber: '923456783' }) })).grounds).toEqual([{ kind: 'GP_LIST', orgNumber: '923456783' }]);
  });

  it('grants an active municipal service in the reader\'s municipality, not one that has ended', () => {
    const reader = clinician({ orgNumber: '964338531' });
    expect(decideAccess(facts({ reader, readerCare: ok(care(null)) })).grounds).toEqual([{ kind: 'MUNICIPAL_SERVICE', orgNumber: '964338531' }]);
    expect(decideAccess(facts({ reader, readerCare: ok(care('2026-08-14')) }))).toEqual(expect.objectContaining({ grounds: [], refusal: 'NO_RELATIONSHIP' }));
  });

  it('grants an active episode of care or an open encounter at the reader\'s hospital', () => {
    const reader = clinician({ orgNumber: HAUKELAND });
    const episode = { id: 'e', status: 'ACTIVE' as const, start: '2026-09-21', end: null, department: 'Hjerteavdelingen', orgNumber: HAUKELAND };
    expect(decideAccess(facts({ reader, hospitals: hospitals(ok(hospital({ careEpisodes: [episode] }))) })).grounds).toEqual([{ kind: 'HOSPITAL_EPISODE', orgNumber: HAUKELAND }]);
    const open = { id: 'x', class: 'INPATIENT' as const, start: '2026-11-29T10:00:00Z', end: null, department: null, diagnoses: [], hprNumber: null };
    expect(decideAccess(facts({ reader, hospitals: hospitals(ok(hospital({ encounters: [open] }))) })).grounds).toHaveLength(1);
    expect(decideAccess(facts({ reader, hospitals: hospitals(ok(hospital({ careEpisodes: [{ ...episode, status: 'FINISHED', end: '2026-01-01' }] }))) })).refusal).toBe('NO_RELATIONSHIP');
    // An episode at the reader's hospital counts even where the patient's municipality would not route there.
    const atStOlav = clinician({ orgNumber: STOLAV });
    expect(decideAccess(facts({ reader: atStOlav, hospitals: hospitals(ok(null), ok(hospital({ careEpisodes: [{ ...episode, orgNumber: STOLAV }] }))) })).grounds).toEqual([
      { kind: 'HOSPITAL_EPISODE', orgNumber: STOLAV },
    ]);
  });

  it('opens emergency access only with a stated reason', () => {
    expect(decideAccess(facts({ reader: clinician({ purpose: 'ETREAT', emergencyReason: 'bevisstløs' }) })).grounds).toEqual([{ kind: 'EMERGENCY' }]);
    expect(decideAccess(facts({ reader: clinician({ purpose: 'ETREAT', emergencyReason: null }) }))).toEqual(expect.objectContaining({ grounds: [], refusal: 'EMERGENCY_REASON_MISSING' }));
  });

  it('lets a block by name win over a relationship and over emergency access, whatever organisation the reader claims', () => {
    const blocked = hospital({ blocks: [block({ deniedPersons: ['9429915'] })], careEpisodes: [{ id: 'e', status: 'ACTIVE', start: null, end: null, department: null, orgNumber: null }] });
    for (const orgNumber of [HAUKELAND, '964338531', '999999999']) {
      const reader = clinician({ hprNumber: '9429915', orgNumber, purpose: 'ETREAT', emergencyReason: 'akutt' });
      expect([orgNumber, decideAccess(facts({ reader, hospitals: hospitals(ok(blocked)) })).refusal]).toEqual([orgNumber, 'BLOCKED_BY_PATIENT']);
    }
    // A block found in a hospital outside the patient's catchment area applies just the same.
    const reader = clinician({ hprNumber: '9429915', purpose: 'ETREAT', emergencyReason: 'akutt' });
    expect(decideAccess(facts({ reader, hospitals: hospitals(ok(null), ok(blocked)) })).refusal).toBe('BLOCKED_BY_PATIENT');
    // A block of one document does not block the person from the rest.
    const documentOnly = hospital({ blocks: [block({ deniedPersons: ['9429915'], documentIds: ['doc-1'] })] });
    expect(decideAccess(facts({ reader, hospitals: hospitals(ok(documentOnly)) })).grounds).toEqual([{ kind: 'EMERGENCY' }]);
  });

  it('hides the GP referrals that led to a note blocked for the reader, and those to a hospital it could not ask', () => {
    // Hilde's case: the psychiatric note is blocked for everyone outside Haukeland; the GP's referral asked for it.
    const record = hospital({
      blocks: [block({ documentIds: ['doc-psych'], deniesEveryone: true, exceptOrganisations: [HAUKELAND] })],
      documentReferrals: [
        { documentId: 'doc-psych', referralIds: ['henv-psych'] },
        { documentId: 'doc-other', referralIds: ['henv-other'] },
      ],
    });
    const gp = clinician({ hprNumber: '9217889' });
    expect(decideAccess(facts({ reader: gp, hospitals: hospitals(ok(record)) })).hiddenReferrals).toEqual(['henv-psych']);
    const emergency = clinician({ purpose: 'ETREAT', emergencyReason: 'akutt' });
    expect(decideAccess(facts({ reader: emergency, hospitals: hospitals(ok(record)) })).hiddenReferrals).toEqual(['henv-psych']);
    // Haukeland, which the block excepts, sees both.
    const haukeland = clinician({ orgNumber: HAUKELAND, purpose: 'ETREAT', emergencyReason: 'akutt' });
    expect(decideAccess(facts({ reader: haukeland, hospitals: hospitals(ok(record)) })).hiddenReferrals).toBeUndefined();
    // A hospital that did not answer: its referrals are hidden, as whether they lead to a blocked note is unknown.
    const unchecked = decideAccess(facts({ reader: gp, hospitals: hospitals(failed()) }));
    expect(referralHidden(unchecked, { id: 'any', toOrgNumber: HAUKELAND })).toBe(true);
    expect(referralHidden(unchecked, { id: 'any', toOrgNumber: STOLAV })).toBe(false);
  });

  it('refuses, failing closed, when the sources that would show a relationship or a block did not answer', () => {
    const emergency = clinician({ purpose: 'ETREAT', emergencyReason: 'akutt' });
    // A hospital the patient's municipality routes to did not answer: a block there cannot be ruled out, so
    // emergency access is refused; a relationship found in the sources still grants, noting what was unchecked.
    expect(decideAccess(facts({ reader: emergency, hospitals: hospitals(failed()) })).refusal).toBe('RELATIONSHIP_UNVERIFIED');
    expect(decideAccess(facts({ reader: clinician({ hprNumber: '9217889' }), hospitals: hospitals(failed()) }))).toEqual(
      expect.objectContaining({ grounds: [{ kind: 'GP_LIST', orgNumber: '923456783' }], blocksUnchecked: [HAUKELAND] }),
    );
    // One outside the catchment area did not answer: it would not be asked for this patient anyway.
    expect(decideAccess(facts({ reader: emergency, hospitals: hospitals(ok(null), failed()) })).grounds).toEqual([{ kind: 'EMERGENCY' }]);
    // Without the population register the catchment area is unknown: every hospital counts (and the grading
    // is unknown too, so the refusal does not say which check failed).
    expect(decideAccess(facts({ reader: emergency, person: failed(), hospitals: hospitals(ok(null), failed()) }))).toEqual(expect.objectContaining({ grounds: [], refusal: 'NO_RELATIONSHIP' }));
    expect(decideAccess(facts({ reader: emergency, person: failed(), hospitals: hospitals(ok(null), ok(null)) })).grounds).toEqual([{ kind: 'EMERGENCY' }]);
    expect(decideAccess(facts({ listing: failed() })).refusal).toBe('RELATIONSHIP_UNVERIFIED');
    expect(decideAccess(facts({ reader: clinician({ orgNumber: '964338531' }), readerCare: failed() })).refusal).toBe('RELATIONSHIP_UNVERIFIED');
  });

  it('tells a failed check as no relationship when the address may be strictly confidential', () => {
    const protectedPerson = ok({ ...person, addressProtection: 'STRICTLY_CONFIDENTIAL' as const });
    expect(decideAccess(facts({ person: protectedPerson, reader: clinician({ orgNumber: '964338531' }), readerCare: failed() })).refusal).toBe('NO_RELATIONSHIP');
    expect(decideAccess(facts({ person: failed(), listing: failed() })).refusal).toBe('NO_RELATIONSHIP');
  });

  it('gives citizens their own record only, and researchers and administrators nothing', () => {
    const citizen = (pid: string): Identity => ({ kind: 'CITIZEN', role: 'CITIZEN', issuer: 't', pid, represents: null, purpose: 'PATRQT', emergencyReason: null });
    expect(decideAccess(facts({ reader: citizen(NIN) })).grounds).toEqual([{ kind: 'OWN_RECORD' }]);
    expect(decideAccess(facts({ reader: citizen('14887447870') })).refusal).toBe('NOT_OWN_RECORD');
    expect(decideAccess(facts({ reader: clinician({ role: 'RESEARCHER', purpose: 'HRESCH' }) })).refusal).toBe('ROLE');
    expect(decideAccess(facts({ reader: clinician({ role: 'ADMINISTRATOR', hprNumber: null, purpose: 'HOPERAT' }) })).refusal).toBe('ROLE');
  });

  describe('a citizen acting for someone else', () => {
    const PARENT = '14887447870';
    const acting = (represents: string): Identity => ({ kind: 'CITIZEN', role: 'CITIZEN', issuer: 't', pid: PARENT, represents, purpose: 'PATRQT', emergencyReason: null });
    const child = (birthDate: string, parents: string[] = [PARENT]) => ok<RegistryPerson>({ ...person, birthDate, parentalResponsibility: parents });
    const today = '2026-11-01';
    const grants = (g: Partial<PowerOfAttorneyModel>): SourceOutcome<RepresentationModel> =>
      ok({ grants: [{ id: 'fm-1', granterNin: NIN, representativeNin: PARENT, scopes: ['READ', 'MESSAGE'], from: '2025-01-01', to: null, ...g }] });

    it('reads for a child under 16 with parental responsibility, and not from the 16th birthday', () => {
      expect(decideAccess(facts({ reader: acting(NIN), person: child('2018-03-04'), representation: ok(null), today }))).toEqual(expect.objectContaining({ grounds: [{ kind: 'PARENTAL_RESPONSIBILITY' }], refusal: null }));
      // From her 12th birthday she may keep entries from the parents: the ground says so (parentOfChildWhoMayKeep).
      const eleven = decideAccess(facts({ reader: acting(NIN), person: child('2014-11-02'), representation: ok(null), today }));
      expect([eleven.grounds, parentOfChildWhoMayKeep(eleven)]).toEqual([[{ kind: 'PARENTAL_RESPONSIBILITY' }], false]);
      const twelve = decideAccess(facts({ reader: acting(NIN), person: child('2014-11-01'), representation: ok(null), today }));
      expect([twelve.grounds, parentOfChildWhoMayKeep(twelve), readsAsParent(twelve)]).toEqual([[{ kind: 'PARENTAL_RESPONSIBILITY', childMayKeep: true }], true, true]);
      expect(decideAccess(facts({ reader: acting(NIN), person: child('2010-11-02'), representation: ok(null), today })).grounds).toEqual([{ kind: 'PARENTAL_RESPONSIBILITY', childMayKeep: true }]);
      expect(decideAccess(facts({ reader: acting(NIN), person: child('2010-11-01'), representation: ok(null), today })).refusal).toBe('NOT_REPRESENTED');
      expect(decideAccess(facts({ reader: acting(NIN), person: child('2018-03-04', ['05864538616']), representation: ok(null), today })).refusal).toBe('NOT_REPRESENTED');
    });

    it('acts within a power of attorney in force, with its scopes, and not before it began or after it ended', () => {
      const reads = decideAccess(facts({ reader: acting(NIN), representation: grants({}), today }));
      expect(reads.grounds).toEqual([{ kind: 'POWER_OF_ATTORNEY', grantId: 'fm-1', scopes: ['READ', 'MESSAGE'] }]);
      expect([grantsHealthData(reads), citizenMay(reads, 'MESSAGE'), citizenMay(reads, 'BLOCK')]).toEqual([true, true, false]);
      const messagesOnly = decideAccess(facts({ reader: acting(NIN), representation: grants({ scopes: ['MESSAGE'] }), today }));
      expect([grantsHealthData(messagesOnly), citizenMay(messagesOnly, 'READ')]).toEqual([false, false]);
      expect(decideAccess(facts({ reader: acting(NIN), representation: grants({ to: '2026-10-31' }), today })).refusal).toBe('NOT_REPRESENTED');
      expect(decideAccess(facts({ reader: acting(NIN), representation: grants({ from: '2026-11-02' }), today })).refusal).toBe('NOT_REPRESENTED');
      expect(decideAccess(facts({ reader: acting(NIN), representation: grants({ representativeNin: '05864538616' }), today })).refusal).toBe('NOT_REPRESENTED');
    });

    it('reaches only the person represented, and fails closed when a register does not answer', () => {
      expect(decideAccess(facts({ reader: acting('05864538616'), representation: grants({}), today })).refusal).toBe('NOT_OWN_RECORD');
      expect(decideAccess(facts({ reader: acting(NIN), representation: failed(), today })).refusal).toBe('REPRESENTATION_UNVERIFIED');
      expect(decideAccess(facts({ reader: acting(NIN), person: failed(), representation: ok(null), today })).refusal).toBe('REPRESENTATION_UNVERIFIED');
    });

    it('leaves out what a child kept from the parents, for a parent only', () => {
      const record: GpRecordModel = {
        consultations: [
          { id: 'c1', time: '2026-01-01T10:00:00Z', contactType: 'OFFICE', reason: null, diagnoses: [{ system: 'ICPC-2', code: 'R96', display: 'Astma' }], note: null, hprNumber: null },
          { id: 'c2', time: '2026-02-01T10:00:00Z', contactType: 'OFFICE', reason: null, diagnoses: [{ system: 'ICPC-2', code: 'W11', display: 'Prevensjon' }], note: null, hprNumber: null, keptFromParents: true },
        ],
        problems: [{ code: { system: 'ICPC-2', code: 'R96', display: 'Astma' }, since: null }, { code: { system: 'ICPC-2', code: 'W11', display: 'Prevensjon' }, since: null }],
        prescriptions: [{ atc: 'G03AA07', name: 'p-pille', strength: null, form: null, dose: null, status: 'ACTIVE', startDate: null, endDate: null, note: null, hprNumber: null, keptFromParents: true }],
        referrals: [],
      } as unknown as GpRecordModel;
      const parent = decideAccess(facts({ reader: acting(NIN), person: child('2016-05-05'), representation: ok(null), today }));
      const shown = gpRecordForReader(parent, record);
      expect([shown.consultations.map((c) => c.id), shown.prescriptions.length, shown.problems.map((p) => p.code.code)]).toEqual([['c1'], 0, ['R96']]);
      const herself = decideAccess(facts({ reader: { kind: 'CITIZEN', role: 'CITIZEN', issuer: 't', pid: NIN, represents: null, purpose: 'PATRQT', emergencyReason: null } }));
      expect(gpRecordForReader(herself, record)).toBe(record);
    });

    it('for a child of 12-15 also leaves out marked referrals and planned consultations, and the messages nothing marks', () => {
      const message = { id: 'm1', conversationRef: 'm1', inReplyTo: null, kind: 'QUESTION', sentAt: '2026-03-01T10:00:00Z', subject: 's', text: 't' };
      const record = {
        consultations: [],
        problems: [],
        prescriptions: [],
        referrals: [
          { id: 'r1', date: '2026-03-01', toOrgNumber: null, toDepartment: 'Barnepoliklinikk', reason: null, text: null, hprNumber: null },
          { id: 'r2', date: '2026-03-02', toOrgNumber: null, toDepartment: 'Gynekologisk poliklinikk', reason: null, text: null, hprNumber: null, keptFromParents: true },
        ],
        plannedFollowUps: [
          { id: 'f1', kind: 'FOLLOW_UP', time: '2027-01-01T10:00:00Z', title: 'Astmakontroll', service: null, status: 'PLANNED', deadline: null, referralId: null, hprNumber: null },
          { id: 'f2', kind: 'FOLLOW_UP', time: '2027-01-02T10:00:00Z', title: 'Kontroll', service: null, status: 'PLANNED', deadline: null, referralId: null, hprNumber: null, keptFromParents: true },
        ],
        messages: [message],
      } as unknown as GpRecordModel;
      const teen = decideAccess(facts({ reader: acting(NIN), person: child('2012-05-05'), representation: ok(null), today }));
      const shown = gpRecordForReader(teen, record);
      expect([shown.referrals.map((r) => r.id), shown.plannedFollowUps?.map((f) => f.id), shown.messages]).toEqual([['r1'], ['f1'], []]);
      // A parent of a younger child: what is marked is still left out, the messages stay (nothing is kept before 12).
      const small = gpRecordForReader(decideAccess(facts({ reader: acting(NIN), person: child('2016-05-05'), representation: ok(null), today })), record);
      expect([small.referrals.map((r) => r.id), small.messages?.length]).toEqual([['r1'], 1]);
    });
  });

  it('carries the routing, and treats an unknown address grading as protected', () => {
    expect(decideAccess(facts({})).routing).toEqual({ municipality: '4601', gpOffice: '81241', strictlyConfidential: false });
    expect(decideAccess(facts({ person: ok({ ...person, addressProtection: 'STRICTLY_CONFIDENTIAL' }) })).routing.strictlyConfidential).toBe(true);
    expect(decideAccess(facts({ person: failed() })).routing).toEqual({ municipality: null, gpOffice: '81241', strictlyConfidential: null });
    expect(decideAccess(facts({ listing: ok(null) })).routing.gpOffice).toBe('');
  });
});

describe('routing to the places a patient belonged to before', () => {
  // Lived in Trondheim (5001) until 2025-09-07, in Askøy (4627) long before that, in Bergen (4601) since; listed at
  // Lade (82112) until the move and Heimdal (82115) before, at Nordnes (81241) since.
  const moved: RegistryPerson = {
    ...person,
    residenceHistory: [
      { municipalityNumber: '4627', from: '2001-02-01', to: '2012-03-01' },
      { municipalityNumber: '5001', from: '2012-03-01', to: '2019-06-30' },
      { municipalityNumber: '5001', from: '2019-08-01', to: '2025-09-07' },
      { municipalityNumber: '4601', from: '2025-09-07', to: null },
    ],
  };
  const office = (herId: string) => ({ herId, name: herId, orgNumber: null });
  const relisted: GpListingModel = {
    ...listing,
    since: '2025-09-21',
    history: [
      { gpHprNumber: null, office: office('82115'), from: '2010-01-01', to: '2017-12-31' },
      { gpHprNumber: '9964596', office: office('82112'), from: '2018-01-01', to: '2025-09-21' },
    ],
  };

  it('routes to the earlier municipalities and GP offices left within the look-back, each once with its period, oldest first', () => {
    const routing = decideAccess(facts({ person: ok(moved), listing: ok(relisted), lookbackFrom: '2016-11-30' })).routing;
    expect(routing).toEqual({
      municipality: '4601',
      gpOffice: '81241',
      strictlyConfidential: false,
      municipalitySince: '2025-09-07',
      gpOfficeSince: '2025-09-21',
      // Askøy was left in 2012, before the look-back began; the two periods in Trondheim are one place.
      earlierMunicipalities: [{ id: '5001', from: '2012-03-01', to: '2025-09-07' }],
      earlierGpOffices: [
        { id: '82115', from: '2010-01-01', to: '2017-12-31' },
        { id: '82112', from: '2018-01-01', to: '2025-09-21' },
      ],
    });
    // Ten years back by default, from today.
    expect(routingOf({ person: ok(moved), listing: ok(relisted), today: '2026-11-30' }).earlierMunicipalities?.map((m) => m.id)).toEqual(['5001']);
    expect(routingOf({ person: ok(moved), listing: ok(relisted), today: '2030-01-01' }).earlierGpOffices?.map((m) => m.id)).toEqual(['82112']);
  });

  it('never routes to today\'s place as an earlier one, and routes nowhere earlier when a register did not answer', () => {
    const back = { ...moved, residenceHistory: [{ municipalityNumber: '4601', from: '2000-01-01', to: '2020-01-01' }, { municipalityNumber: '5001', from: '2020-01-01', to: '2023-01-01' }, { municipalityNumber: '4601', from: '2023-01-01', to: null }] };
    expect(decideAccess(facts({ person: ok(back) })).routing.earlierMunicipalities).toEqual([{ id: '5001', from: '2020-01-01', to: '2023-01-01' }]);
    const routing = decideAccess(facts({ person: failed(), listing: failed() })).routing;
    expect([routing.earlierMunicipalities, routing.earlierGpOffices]).toEqual([undefined, undefined]);
    expect(decideAccess(facts({})).routing.earlierMunicipalities).toBeUndefined();
  });

  it('decides access as today: a nurse of the new municipality through today\'s service, none of the old one through an ended service', () => {
    const bergen = clinician({ orgNumber: '964338531' });
    expect(decideAccess(facts({ reader: bergen, person: ok(moved), readerCare: ok(care(null)) })).grounds).toEqual([{ kind: 'MUNICIPAL_SERVICE', orgNumber: '964338531' }]);
    const trondheim = clinician({ orgNumber: '942110464' });
    expect(decideAccess(facts({ reader: trondheim, person: ok(moved), readerCare: ok(care('2025-09-07')) }))).toEqual(expect.objectContaining({ grounds: [], refusal: 'NO_RELATIONSHIP' }));
  });

  it("counts the earlier municipalities' catchment hospitals among those a block must be checked in", () => {
    // St. Olavs (Trondheim's catchment) did not answer: for a patient who lived there, a block there is not ruled out.
    const reader = clinician({ hprNumber: '9217889', orgNumber: '923456783' });
    const decision = decideAccess(facts({ reader, person: ok(moved), hospitals: hospitals(ok(null), failed()) }));
    expect([decision.grounds.length, decision.blocksUnchecked]).toEqual([1, [STOLAV]]);
    expect(decideAccess(facts({ reader, hospitals: hospitals(ok(null), failed()) })).blocksUnchecked).toBeUndefined();
  });

  it('reads the look-back from RECORD_LOOKBACK_YEARS: ten years by default, whole years only', () => {
    expect(recordLookbackYears({})).toBe(10);
    expect(recordLookbackYears({ RECORD_LOOKBACK_YEARS: '3' })).toBe(3);
    expect(recordLookbackYears({ RECORD_LOOKBACK_YEARS: '0' })).toBe(0);
    for (const bad of ['-1', '2.5', 'ten', '101']) expect(() => recordLookbackYears({ RECORD_LOOKBACK_YEARS: bad })).toThrow(/RECORD_LOOKBACK_YEARS/);
    expect([yearsBefore('2026-11-30', 10), yearsBefore('2028-02-29', 1)]).toEqual(['2016-11-30', '2027-02-28']);
  });
});

describe('blocks', () => {
  const haukelandDoctor = clinician({ hprNumber: '5636150', orgNumber: '983974724' });
  const gp = clinician({ hprNumber: '9217889', orgNumber: '923456783' });
  const citizen: Identity = { kind: 'CITIZEN', role: 'CITIZEN', issuer: 't', pid: NIN, represents: null, purpose: 'PATRQT', emergencyReason: null };

  it('keeps everyone out but the holding organisation, and a named person even there', () => {
    const otherOrganisations = block({ documentIds: ['doc-1'], deniesEveryone: true, exceptOrganisations: ['983974724'] });
    expect(blockDenies(otherOrganisations, haukelandDoctor)).toBe(false);
    expect(blockDenies(otherOrganisations, gp)).toBe(true);
    expect(blockDenies({ ...otherOrganisations, deniedPersons: ['5636150'] }, haukelandDoctor)).toBe(true);
    expect(blockDenies(block({ deniedOrganisations: ['923456783'] }), gp)).toBe(true);
  });

  it('never keeps the patient out of her own record', () => {
    expect(blockDenies(block({ deniesEveryone: true }), citizen)).toBe(false);
  });

  it('covers the documents it names, or all of them when it names none', () => {
    const one = [block({ documentIds: ['doc-1'], deniesEveryone: true })];
    expect(documentBlocked('doc-1', one, gp)).toBe(true);
    expect(documentBlocked('doc-2', one, gp)).toBe(false);
    expect(documentBlocked('doc-2', [block({ deniedPersons: ['9217889'] })], gp)).toBe(true);
  });
});
