import { readFileSync } from 'node:fs';
import { loadOrganisations, loadSources } from '../../lib/config';
import { validateNin } from '../../lib/nin';
import type { MedicationEntry, MedicationEntryKind } from '../../subgraphs/kit/shapes';
import { mergeMedications } from '../../subgraphs/record/mergeMedications';
import { drugByAtc } from './codes';
import { DEMO_PATIENTS_FILE, renderDemoPatientsFile } from './demoPatients';
import { sexOfNin } from './nin';
import { ACTIVE_EPISODE_DAYS, doseText } from './records';
import type { MedicationUse, Person } from './types';
import { addDays, ageOn, daysBetween } from './random';
import { demoPatient, generatePopulation, getPopulation, getPopulationIndex, NURSING_HOME_DOCTOR, nursingHomeDoctor, REFERENCE_DATE } from './index';

const population = getPopulation();
const persons = population.persons;
const orgs = loadOrganisations();
const sources = loadSources();

describe('the synthetic population', () => {
  it('is the same for the same seed and different for another', () => {
    expect(JSON.stringify(generatePopulation())).toBe(JSON.stringify(population));
    expect(generatePopulation(1).persons[20]?.nin).not.toBe(persons[20]?.nin);
  });

  it('has at least 500 people with valid, unique, synthetic identity numbers, a few of them D-numbers', () => {
    expect(persons.length).toBeGreaterThanOrEqual(500);
    expect(new Set(persons.map((p) => p.nin)).size).toBe(persons.length);
    for (const p of persons) {
      const v = validateNin(p.nin);
      expect(v).toEqual({ valid: true, info: { kind: p.kind, synthetic: true, birthDate: p.birthDate } });
    }
    const dNumbers = persons.filter((p) => p.kind === 'DNR').length;
    expect(dNumbers).toBeGreaterThanOrEqual(3);
    expect(dNumbers).toBeLessThan(persons.length / 20);
  });

  it("writes each person's sex in the identity number as the register holds it: the ninth digit even for women, odd for men", () => {
    const wrong = persons.filter((p) => sexOfNin(p.nin) !== p.sex).map((p) => `${p.kind} ${p.sex}`);
    expect(wrong).toEqual([]);
    // Women and men, D-numbers among them, so that both parities and both kinds are checked.
    expect(new Set(persons.map((p) => `${p.kind} ${p.sex}`))).toEqual(new Set(['FNR female', 'FNR male', 'DNR female', 'DNR male']));
    // The demo patients as listed for tools and the README: Kjell Aune's number says male.
    const listed = (JSON.parse(readFileSync(DEMO_PATIENTS_FILE, 'utf8')) as { patients: { key: string; nin: string }[] }).patients;
    expect(listed).toHaveLength(16);
    for (const entry of listed) {
      const person = population.persons.find((p) => p.demo === entry.key);
      expect([entry.key, sexOfNin(entry.nin)]).toEqual([entry.key, person?.sex]);
      expect(person?.nin).toBe(entry.nin);
    }
    expect(sexOfNin(demoPatient('nursingHome').nin)).toBe('male');
  });

  it('lives in at least 3 municipalities, listed with at least 10 GP offices on at least 2 GP systems', () => {
    expect(new Set(persons.map((p) => p.municipality).filter(Boolean)).size).toBeGreaterThanOrEqual(3);
    const offices = new Set(persons.map((p) => p.gp?.officeHerId).filter(Boolean));
    expect(offices.size).toBeGreaterThanOrEqual(10);
    const dialects = new Set(
      [...offices].map((herId) => {
        const office = orgs.gpOffices.find((o) => o.herId === herId);
        return sources.instances[office?.instance ?? '']?.options.dialect;
      }),
    );
    expect(dialects).toEqual(new Set(['soap11', 'soap12']));
  });

  it("keeps each patient's GP consistent: the registry's GP office holds the consultations, in the patient's municipality", () => {
    for (const p of persons) {
      if (!p.gp) {
        expect(p.gpRecord).toBeNull();
        continue;
      }
      expect(p.gpRecord?.officeHerId).toBe(p.gp.officeHerId);
      const office = orgs.gpOffices.find((o) => o.herId === p.gp?.officeHerId);
      expect(office?.municipality).toBe(p.municipality);
      const gp = population.practitioners.find((x) => x.hprNumber === p.gp?.hprNumber);
      expect(gp?.workplace).toBe(office?.name);
      for (const c of p.gpRecord?.consultations ?? []) expect(c.time.slice(0, 10) >= p.gp.since).toBe(true);
    }
  });

  it('treats patients at 2 hospitals, each at the hospital of their catchment area (or of a municipality they lived in before)', () => {
    const treated = persons.filter((p) => p.hospitalRecords.length > 0);
    expect(new Set(treated.flatMap((p) => p.hospitalRecords.map((h) => h.orgNumber)))).toEqual(new Set(orgs.hospitals.map((h) => h.orgNumber)));
    for (const p of treated) {
      const lived = [p.municipality, ...(p.earlierResidences ?? []).map((r) => r.municipality)];
      const catchment = orgs.municipalities.filter((m) => lived.includes(m.number)).flatMap((m) => m.hospitals);
      for (const h of p.hospitalRecords) expect(catchment).toContain(h.orgNumber);
    }
  });

  it('gives most elderly patients home care or a nursing home, and care only to the old or ill', () => {
    const elderly = persons.filter((p) => ageOn(p.birthDate, REFERENCE_DATE) >= 80);
    const inCare = elderly.filter((p) => p.careRecord);
    expect(inCare.length / elderly.length).toBeGreaterThan(0.6);
    const kinds = new Set(persons.flatMap((p) => p.careRecord?.services.map((s) => s.type) ?? []));
    expect(kinds).toEqual(expect.objectContaining(new Set(['HOME_NURSING', 'NURSING_HOME_LONG_TERM', 'SAFETY_ALARM'])));
    // The mental health service's young people (PLAN_SHAPES) aside: they are the shapes whose plans involve services outside health care.
    const mentalHealth = new Set(orgs.municipalities.flatMap((m) => m.services.filter((s) => s.kind === 'MENTAL_HEALTH').map((s) => s.name)));
    const followedUp = persons.filter((x) => x.careRecord?.services.some((s) => mentalHealth.has(s.unit)));
    expect(followedUp.map((p) => ageOn(p.birthDate, REFERENCE_DATE))).toEqual([27, 15]);
    for (const p of persons.filter((x) => x.careRecord && !followedUp.includes(x))) expect(ageOn(p.birthDate, REFERENCE_DATE)).toBeGreaterThanOrEqual(67);
  });

  it('has critical information, every kind of protected address, blocked documents and exactly one death', () => {
    expect(persons.filter((p) => p.summaryRecord.criticalInfo.some((c) => c.type === 'ALLERGY')).length).toBeGreaterThan(10);
    const protections = new Set(persons.map((p) => p.addressProtection));
    expect(protections).toEqual(new Set(['NONE', 'CONFIDENTIAL', 'STRICTLY_CONFIDENTIAL', 'STRICTLY_CONFIDENTIAL_ABROAD']));
    expect(persons.filter((p) => p.hospitalRecords.some((h) => h.documents.some((d) => d.blocked))).length).toBeGreaterThanOrEqual(2);
    expect(persons.filter((p) => p.deceasedDate).length).toBe(1);
  });

  it('uses real code systems with well-formed codes and dates before the reference date', () => {
    for (const p of persons) {
      for (const c of p.gpRecord?.consultations ?? []) {
        expect(c.reason.code).toMatch(/^[A-Z]\d{2}$/);
        expect(c.time < REFERENCE_DATE).toBe(true);
      }
      for (const h of p.hospitalRecords) for (const e of h.episodes) for (const d of e.diagnoses) expect(d.code).toMatch(/^[A-Z]\d{2}[0-9a-z]{0,3}$/);
      for (const m of p.gpRecord?.prescriptions ?? []) expect(m.atc).toMatch(/^[A-Z]\d{2}[A-Z]{2}\d{2}$/);
    }
  });

  it('shows the demo discrepancies: the hospital lowered a dose and stopped a drug the GP still prescribes', () => {
    const demo = persons.find((p) => p.demo === 'homeCare');
    const gp = demo?.gpRecord?.prescriptions ?? [];
    const hospital = demo?.hospitalRecords[0]?.medications ?? [];
    expect(gp.find((m) => m.atc === 'C07AB02')?.strength).toBe('50 mg');
    expect(hospital.find((m) => m.atc === 'C07AB02')?.strength).toBe('25 mg');
    expect(gp.find((m) => m.atc === 'M01AE01')?.status).toBe('active');
    expect(hospital.find((m) => m.atc === 'M01AE01')?.status).toBe('stopped');
    expect(demo?.careRecord?.medications.find((m) => m.atc === 'C07AB02')?.strength).toBe('25 mg');
  });

  describe('blocks and access facts', () => {
    const hilde = demoPatient('blockedDocument');
    const haukeland = orgs.hospitals.find((h) => h.instance === 'hospital-haukeland')?.orgNumber;
    const documents = persons.flatMap((p) => p.hospitalRecords.flatMap((h) => h.documents.map((d) => ({ person: p, d }))));

    it("withholds exactly one document from its patient: Hilde Tveit's blocked psychiatric note", () => {
      const withheld = documents.filter(({ d }) => d.withheldFromPatient);
      expect(withheld).toHaveLength(1);
      const [only] = withheld;
      expect(only?.person.nin).toBe(hilde.nin);
      expect(only?.d).toMatchObject({ kind: 'outpatient-note', title: 'Poliklinisk notat, Psykiatrisk poliklinikk', blocked: true });
      // Her other note is neither blocked nor withheld; other patients' blocked documents are not withheld.
      expect(hilde.hospitalRecords[0]?.documents.filter((d) => !d.blocked).map((d) => d.withheldFromPatient)).toEqual([false]);
      expect(documents.filter(({ d }) => d.blocked && !d.withheldFromPatient).length).toBeGreaterThanOrEqual(2);
    });

    it("blocks by name only Haukeland's general surgeon, in Hilde Tveit's record there", () => {
      const blocking = persons.flatMap((p) => p.hospitalRecords.filter((h) => h.blockedPractitioners.length > 0).map((h) => ({ p, h })));
      expect(blocking).toHaveLength(1);
      expect(blocking[0]?.p.nin).toBe(hilde.nin);
      expect(blocking[0]?.h.orgNumber).toBe(haukeland);
      const [hpr] = blocking[0]?.h.blockedPractitioners ?? [];
      const surgeon = population.practitioners.find((x) => x.hprNumber === hpr);
      expect(surgeon).toMatchObject({ profession: 'LE', speciality: 'Generell kirurgi', workplace: 'Haukeland universitetssjukehus' });
      expect(blocking[0]?.h.blockedPractitioners).toEqual([hpr]);
    });

    it('derives one episode of care per department from the encounters, active while followed up', () => {
      for (const p of persons) {
        for (const h of p.hospitalRecords) {
          const departments = [...new Set(h.episodes.map((e) => e.department))];
          expect(h.careEpisodes.map((c) => c.department).sort()).toEqual(departments.sort());
          for (const c of h.careEpisodes) {
            const there = h.episodes.filter((e) => e.department === c.department);
            const first = there.reduce((a, b) => (b.start < a.start ? b : a));
            const latest = there.reduce((a, b) => (b.end > a.end ? b : a));
            expect(c.id).toMatch(/^eoc-[a-z]{14}$/);
            expect(c.id.slice(4)).not.toBe(first.id.slice(4));
            expect(c.start).toBe(first.start);
            const active = p.deceasedDate === null && latest.end.slice(0, 10) >= addDays(REFERENCE_DATE, -ACTIVE_EPISODE_DAYS);
            expect(c).toMatchObject(active ? { status: 'active', end: null } : { status: 'finished', end: latest.end });
          }
        }
      }
      const all = persons.flatMap((p) => p.hospitalRecords.flatMap((h) => h.careEpisodes));
      expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
      expect(all.filter((c) => c.status === 'active').length).toBeGreaterThan(10);
      expect(all.filter((c) => c.status === 'finished').length).toBeGreaterThan(10);
    });

    it('shows the episodes of care of the demo patients', () => {
      const episodesOf = (key: Parameters<typeof demoPatient>[0]) => demoPatient(key).hospitalRecords.flatMap((h) => h.careEpisodes);
      const ingrid = demoPatient('homeCare').hospitalRecords[0];
      // Ingrid Solheim left Hjerteavdelingen a month ago (30 September): still followed up.
      expect(daysBetween(ingrid?.episodes[0]?.end ?? '', REFERENCE_DATE)).toBe(32);
      expect(episodesOf('homeCare')).toEqual([
        {
          id: expect.stringMatching(/^eoc-[a-z]{14}$/),
          department: 'Hjerteavdelingen',
          start: ingrid?.episodes[0]?.start,
          end: null,
          status: 'active',
          // Martin Aasen (persona hospital-doctor) treated her: her responsible physician; a ward nurse is her contact person.
          responsibleHpr: '5636150',
          contactPersons: [{ hprNumber: expect.stringMatching(/^\d{7}$/), start: '2026-09-21', end: null }],
        },
      ]);
      expect(episodesOf('blockedDocument').map((c) => [c.department, c.status])).toEqual([
        ['Psykiatrisk poliklinikk', 'active'],
        ['Nevrologisk poliklinikk', 'active'],
      ]);
      // Kjell Aune's hip fracture was 230 days ago; Olav Myhre has died.
      expect(episodesOf('nursingHome').map((c) => c.status)).toEqual(['finished']);
      expect(episodesOf('deceased').map((c) => c.status)).toEqual(['finished']);
      expect(episodesOf('deceased')[0]?.end).toBe(demoPatient('deceased').hospitalRecords[0]?.episodes[0]?.end);
    });

    it('appends a fixed nursing-home doctor in Trondheim, with an HPR number nobody else holds', () => {
      const doctor = nursingHomeDoctor(population);
      expect(doctor).toEqual({
        hprNumber: NURSING_HOME_DOCTOR.hprNumber,
        givenName: 'Kari',
        familyName: 'Holm',
        sex: 'female',
        birthYear: 1978,
        profession: 'LE',
        authorisedSince: '2005-01-01',
        speciality: 'Allmennmedisin',
        workplace: 'Trondheim kommune',
      });
      expect(doctor.hprNumber).toMatch(/^\d{7}$/);
      expect(population.practitioners.at(-1)).toBe(doctor);
      expect(population.practitioners.filter((x) => x.hprNumber === doctor.hprNumber)).toHaveLength(1);
      expect(new Set(population.practitioners.map((x) => x.hprNumber)).size).toBe(population.practitioners.length);
      expect(orgs.municipalities.find((m) => m.number === '5001')).toMatchObject({ name: 'Trondheim', orgNumber: '942110464' });
      // The simulators serve practitioners from this index (the practitioner register among them).
      expect(getPopulationIndex().practitioners.get(doctor.hprNumber)).toEqual(doctor);
      // No patient's record names her: she is there for access rules, not for the records.
      expect(JSON.stringify(persons)).not.toContain(doctor.hprNumber);
    });
  });

  describe('medicines as they are prescribed and supplied', () => {
    /** A person's medicines as each system records them, as the graph's merge reads them (forms and schedules from each source). */
    function entriesOf(person: Person): MedicationEntry[] {
      const of = (m: Pick<MedicationUse, 'atc' | 'name' | 'strength' | 'form' | 'dose'>, kind: MedicationEntryKind, extra: Partial<MedicationEntry> = {}): MedicationEntry => ({
        atc: m.atc,
        name: m.name,
        strength: m.strength,
        form: m.form,
        dose: { amount: m.dose.amount, unit: m.dose.unit, timesPerDay: m.dose.timesPerDay, text: doseText(m) },
        status: 'ACTIVE',
        startDate: null,
        endDate: null,
        lastDispensed: null,
        note: null,
        kind,
        provenance: { sourceId: kind, system: 'x', sector: kind, organisation: kind, recordId: null },
        ...extra,
      });
      const status = (m: MedicationUse) => ({ status: m.status === 'active' ? ('ACTIVE' as const) : ('STOPPED' as const), startDate: m.startDate, endDate: m.endDate });
      return [
        ...(person.gpRecord?.prescriptions ?? []).map((m) => of(m, 'GP_PRESCRIPTION', status(m))),
        // The hospitals' FHIR statements carry no form.
        ...person.hospitalRecords.flatMap((h) => h.medications).map((m) => of(m, 'HOSPITAL_STATEMENT', { ...status(m), form: null })),
        ...(person.careRecord?.medications ?? []).map((m) => of(m, 'MUNICIPAL_CARE_LIST', status(m))),
        ...person.summaryRecord.dispensations.map((d) => of(d, 'NATIONAL_DISPENSATION', { lastDispensed: d.dispensed })),
      ];
    }

    it('lowers a dose at discharge by fewer tablets, fewer intakes or a marketed lower strength, never by halving a strength', () => {
      const reduced = persons.flatMap((p) =>
        p.hospitalRecords.flatMap((h) => h.medications.filter((m) => m.note === 'Dosen redusert ved utskrivning.').map((m) => ({ m, gp: p.gpRecord?.prescriptions.find((x) => x.atc === m.atc) }))),
      );
      expect(reduced.length).toBeGreaterThan(5);
      const daily = (m: MedicationUse) => Number(m.strength.replace(',', '.').split(' ')[0]) * m.dose.amount * m.dose.timesPerDay;
      for (const { m, gp } of reduced) {
        const drug = drugByAtc(m.atc);
        expect([m.atc, drug?.reduced]).toEqual([m.atc, expect.anything()]);
        if (!gp || !drug?.reduced) continue;
        // The reduction the drug table names: a marketed strength, or the same strength taken less.
        expect([m.atc, m.strength]).toEqual([m.atc, drug.reduced.strength ?? gp.strength]);
        expect([m.atc, m.dose]).toEqual([m.atc, { ...gp.dose, ...drug.reduced.dose }]);
        expect(daily(m)).toBeLessThan(daily(gp));
      }
      // Metformin is lowered by intakes (500 mg once instead of twice a day): 250 mg tablets are not made.
      const astrid = demoPatient('askoyHomeCare').hospitalRecords[0]?.medications.find((m) => m.atc === 'A10BA02');
      expect(astrid).toMatchObject({ strength: '500 mg', dose: { amount: 1, timesPerDay: 1 } });
    });

    it('dispenses nothing from a pharmacy to a person while they live in a nursing home: the institution supplies from its stock', () => {
      const residents = persons.filter((p) => p.careRecord?.services.some((s) => s.type === 'NURSING_HOME_LONG_TERM'));
      expect(residents.length).toBeGreaterThan(10);
      let before = 0;
      for (const p of residents) {
        for (const stay of p.careRecord?.services.filter((s) => s.type === 'NURSING_HOME_LONG_TERM') ?? []) {
          const end = stay.end ?? REFERENCE_DATE;
          const during = p.summaryRecord.dispensations.filter((d) => d.dispensed >= stay.start && d.dispensed <= end);
          expect([p.nin, during]).toEqual([p.nin, []]);
          before += p.summaryRecord.dispensations.filter((d) => d.dispensed < stay.start).length;
        }
      }
      // Before they moved in, a pharmacy did dispense to them.
      expect(before).toBeGreaterThan(0);
    });

    it('has patients whose lists disagree as needed against fixed, and depot against plain tablet, as the merge finds', () => {
      const found = (kind: string) => persons.filter((p) => mergeMedications(entriesOf(p)).some((i) => i.discrepancies.some((d) => d.kind === kind)));
      // Paracetamol, 2 tablets 3 times a day on the GP's list, as needed on home nursing's list (Askøy).
      const asNeeded = found('AS_NEEDED');
      expect(asNeeded.length).toBeGreaterThanOrEqual(1);
      const paracetamol = mergeMedications(entriesOf(asNeeded[0] as Person)).find((i) => i.atc === 'N02BE01');
      expect(paracetamol?.discrepancies.map((d) => [d.kind, d.values.map((v) => [v.value, v.sources.map((x) => x.sourceId)])])).toEqual([
        ['AS_NEEDED', [['fixed schedule', ['GP_PRESCRIPTION', 'NATIONAL_DISPENSATION']], ['as needed', ['MUNICIPAL_CARE_LIST']]]],
      ]);
      expect(asNeeded[0]?.municipality).toBe('4627');
      // Depot morphine on the GP's list and dispensed, plain morphine tablets on home nursing's list (Trondheim).
      const formulation = found('FORMULATION');
      expect(formulation.length).toBeGreaterThanOrEqual(1);
      const morphine = mergeMedications(entriesOf(formulation[0] as Person)).find((i) => i.atc === 'N02AA01');
      expect(morphine?.discrepancies.map((d) => [d.kind, d.values.map((v) => [v.value, v.sources.map((x) => x.sourceId)])])).toEqual([
        ['FORMULATION', [['depottablett', ['GP_PRESCRIPTION', 'NATIONAL_DISPENSATION']], ['tablett', ['MUNICIPAL_CARE_LIST']]]],
      ]);
      expect(formulation[0]?.municipality).toBe('5001');
    });
  });

  it('has people who moved between the simulated municipalities and one who changed GP, each earlier record dated until then', () => {
    // Only the shapes drawn after everyone else (MOVE_SHAPES): nobody drawn before them has a past.
    const withPast = persons.filter((p) => p.earlierResidences?.length || p.earlierGpListings?.length);
    expect(withPast.map((p) => [p.demo, p.addressProtection])).toEqual([['moved', 'NONE'], ['changedGp', 'NONE'], [null, 'STRICTLY_CONFIDENTIAL']]);
    expect(Math.min(...withPast.map((p) => persons.indexOf(p)))).toBeGreaterThanOrEqual(520);
    for (const p of withPast) {
      for (const r of p.earlierResidences ?? []) {
        expect(r.municipality).not.toBe(p.municipality);
        expect([r.from < r.to, r.to]).toEqual([true, p.residentSince]);
      }
      for (const l of p.earlierGpListings ?? []) {
        expect(l.officeHerId).not.toBe(p.gp?.officeHerId);
        expect(l.to <= (p.gp?.since ?? '')).toBe(true);
        const record = p.earlierGpRecords?.find((g) => g.officeHerId === l.officeHerId);
        expect(record?.consultations.length).toBeGreaterThan(0);
        for (const c of record?.consultations ?? []) expect(c.time.slice(0, 10) >= l.from && c.time.slice(0, 10) <= l.to).toBe(true);
        expect(record?.plannedFollowUps).toEqual([]);
        const gp = population.practitioners.find((x) => x.hprNumber === l.hprNumber);
        expect(gp?.workplace).toBe(orgs.gpOffices.find((o) => o.herId === l.officeHerId)?.name);
      }
      for (const care of p.earlierCareRecords ?? []) {
        const lived = p.earlierResidences?.find((r) => r.municipality === care.municipality);
        expect(lived).toBeDefined();
        // Ended with the move; nothing after it, nothing planned.
        for (const s of care.services) expect([s.start >= (lived?.from ?? ''), s.end !== null && s.end <= (lived?.to ?? '')]).toEqual([true, true]);
        for (const v of care.visits) expect(v.time.slice(0, 10) <= (lived?.to ?? '')).toBe(true);
        expect(care.plannedVisits).toEqual([]);
      }
      // Today's services began after the move.
      for (const s of p.careRecord?.services ?? []) expect(s.start >= (p.residentSince ?? '')).toBe(true);
    }
    const moved = demoPatient('moved');
    expect([moved.municipality, moved.earlierResidences?.map((r) => r.municipality), moved.earlierCareRecords?.map((c) => c.municipality)]).toEqual(['4601', ['5001'], ['5001']]);
    expect(moved.careRecord?.services.some((s) => s.end === null)).toBe(true);
    // A stay at St. Olavs while she lived in Trondheim, finished: the episode of care ended when she left.
    expect(moved.hospitalRecords.map((h) => [h.orgNumber, h.careEpisodes.map((e) => e.status)])).toEqual([['974557746', ['finished']]]);
    const changed = demoPatient('changedGp');
    expect([changed.gp?.officeHerId, changed.earlierGpListings?.map((l) => l.officeHerId), changed.earlierResidences]).toEqual(['81241', ['81242'], undefined]);
    const hidden = withPast.find((p) => p.addressProtection === 'STRICTLY_CONFIDENTIAL');
    expect(hidden?.earlierCareRecords?.length).toBe(1);
  });

  it("links each GP referral to the hospital episode it led to, under the GP record's own referral id", () => {
    // Open referrals (still waiting at the hospital) have led to no encounter yet.
    const referrals = persons.flatMap((p) => (p.gpRecord?.referrals ?? []).filter((r) => r.sentDaysAgo === undefined).map((r) => ({ p, r })));
    const referred = persons.flatMap((p) => p.hospitalRecords.flatMap((h) => h.episodes.filter((e) => e.referral).map((e) => ({ p, h, e }))));
    expect(referrals.length).toBeGreaterThan(20);
    expect(referred).toHaveLength(referrals.length);
    for (const { p, r } of referrals) {
      const led = referred.filter(({ e }) => e.referral?.id === r.id);
      expect(led).toHaveLength(1);
      const [{ p: patient, h, e } = referred[0]!] = led;
      expect(patient).toBe(p);
      expect([h.orgNumber, e.department, e.kind]).toEqual([r.toOrgNumber, r.toDepartment, 'outpatient']);
      expect(e.referral).toEqual({ id: r.id, date: r.date, hprNumber: r.hprNumber, reason: r.reason });
      expect(r.date < e.start).toBe(true);
    }
  });

  describe('the care team and what is planned', () => {
    const services = (municipality: string) => orgs.municipalities.find((m) => m.number === municipality)?.services.map((x) => x.name) ?? [];
    const departments = (orgNumber: string) => orgs.hospitals.find((h) => h.orgNumber === orgNumber)?.departments.map((d) => d.name) ?? [];

    it('names every unit and department as the routing table does, so that each can be reached by HER-id and phone', () => {
      let members = 0;
      for (const p of persons) {
        const care = p.careRecord;
        for (const m of care?.careTeam ?? []) {
          members += 1;
          expect([m.role, services(care?.municipality ?? '')]).toEqual([m.role, expect.arrayContaining([m.unit])]);
        }
        for (const v of care?.plannedVisits ?? []) expect(services(care?.municipality ?? '')).toContain(v.unit);
        for (const h of p.hospitalRecords) {
          for (const x of [...h.careEpisodes, ...h.appointments, ...h.referralAnswers]) expect(departments(h.orgNumber)).toContain(x.department);
          const nurses = population.practitioners.filter((pr) => pr.workplace === orgs.hospitals.find((o) => o.orgNumber === h.orgNumber)?.name && pr.profession === 'SP');
          for (const c of h.careEpisodes.flatMap((e) => e.contactPersons)) expect(nurses.map((n) => n.hprNumber)).toContain(c.hprNumber);
        }
      }
      expect(members).toBeGreaterThan(100);
    });

    it('keeps past members with their period: a handover ends one primary contact the day the next begins', () => {
      const team = demoPatient('homeCare').careRecord?.careTeam ?? [];
      expect(team.map((m) => [m.role, m.unit, m.end === null])).toEqual([
        ['PRIMARY_CONTACT', 'Hjemmesykepleien sone sør', false],
        ['PRIMARY_CONTACT', 'Hjemmesykepleien sone sør', true],
        ['MUNICIPAL_COORDINATOR', 'Koordinerende enhet', true],
        ['PLAN_COORDINATOR', 'Koordinerende enhet', true],
      ]);
      // Line Knutsen (persona home-care-nurse) took over 45 days before the reference date.
      expect(team[1]).toMatchObject({ hprNumber: '9757146', start: addDays(REFERENCE_DATE, -45) });
      expect(team[0]?.end).toBe(team[1]?.start);
      expect(team[2]?.hprNumber).toBe(team[3]?.hprNumber);
      // Kjell Aune moved from home nursing to the nursing home: his home-nursing primary contact ended with the move.
      const kjell = demoPatient('nursingHome').careRecord;
      const moved = kjell?.services.find((s) => s.type === 'NURSING_HOME_LONG_TERM')?.start;
      expect(kjell?.careTeam.filter((m) => m.role === 'PRIMARY_CONTACT').map((m) => [m.unit, m.start === moved || m.end === moved])).toEqual([
        ['Hjemmesykepleien sentrum', true],
        ['Ila helse- og velferdssenter', true],
      ]);
      // Olav Myhre has died: his team ended that day, and nothing is planned for him.
      const olav = demoPatient('deceased');
      expect(olav.careRecord?.careTeam.every((m) => m.end === olav.deceasedDate)).toBe(true);
      expect([olav.careRecord?.plannedVisits, olav.gpRecord?.plannedFollowUps, olav.hospitalRecords.flatMap((h) => h.appointments)]).toEqual([[], [], []]);
    });

    it('plans only ahead of the world’s today, and only for the living', () => {
      for (const p of persons) {
        const planned = [...(p.careRecord?.plannedVisits ?? []), ...(p.gpRecord?.plannedFollowUps ?? []), ...p.hospitalRecords.flatMap((h) => h.appointments)];
        if (p.deceasedDate) expect(planned).toEqual([]);
        for (const x of planned) {
          expect(x.at.days).toBeGreaterThanOrEqual(1);
          expect(x.at.time).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
        }
      }
    });

    it('answers every referral the GP sent: completed before the encounter it led to, or still open as the story says', () => {
      for (const p of persons) {
        for (const r of p.gpRecord?.referrals ?? []) {
          const answers = p.hospitalRecords.filter((h) => h.orgNumber === r.toOrgNumber).flatMap((h) => h.referralAnswers.filter((a) => a.referralId === r.id));
          expect(answers).toHaveLength(1);
          const [answer] = answers;
          if (r.sentDaysAgo !== undefined) continue;
          const encounter = p.hospitalRecords.flatMap((h) => h.episodes).find((e) => e.referral?.id === r.id);
          expect(answer?.status).toBe('completed');
          expect(typeof answer?.answered === 'string' && answer.answered < (encounter?.start ?? '')).toBe(true);
          expect(typeof answer?.due === 'string' && answer.due >= (encounter?.start.slice(0, 10) ?? '')).toBe(true);
        }
      }
      const open = (key: Parameters<typeof demoPatient>[0]) => {
        const p = demoPatient(key);
        const referral = p.gpRecord?.referrals.find((r) => r.sentDaysAgo !== undefined);
        const record = p.hospitalRecords.find((h) => h.orgNumber === referral?.toOrgNumber);
        return { answer: record?.referralAnswers.find((a) => a.referralId === referral?.id), appointments: record?.appointments.filter((a) => a.referralId === referral?.id) ?? [] };
      };
      expect(open('nursingHome')).toMatchObject({ answer: { status: 'received', answered: null, due: { days: 9 } }, appointments: [] });
      expect(open('criticalInfo')).toMatchObject({ answer: { status: 'accepted', due: { days: 42 } }, appointments: [{ department: 'Hjertepoliklinikken', at: { days: 19 } }] });
      expect(open('askoyHomeCare')).toMatchObject({ answer: { status: 'returned', due: null, note: expect.stringMatching(/^Returnert til henviser/) }, appointments: [] });
    });
  });

  describe('the individual plan', () => {
    const plans = persons.flatMap((p) => (p.careRecord?.individualPlan ? [{ person: p, plan: p.careRecord.individualPlan }] : []));
    const outsideHealth = new Map(orgs.outsideHealth.map((s) => [s.orgNumber, s]));

    it('is kept for everyone whose care team has a plan coordinator, who coordinates it, and for no one else', () => {
      expect(plans.length).toBeGreaterThan(10);
      for (const p of persons) {
        const coordinator = p.careRecord?.careTeam.find((m) => m.role === 'PLAN_COORDINATOR');
        expect([p.nin, p.careRecord?.individualPlan?.coordinator.hprNumber ?? null]).toEqual([p.nin, coordinator?.hprNumber ?? null]);
      }
      for (const { person, plan } of plans) {
        expect(plan.established >= (person.careRecord?.careTeam.find((m) => m.role === 'PLAN_COORDINATOR')?.start ?? '')).toBe(true);
        expect(plan.revised >= plan.established && plan.revised < REFERENCE_DATE).toBe(true);
        expect(plan.goals.length).toBeGreaterThanOrEqual(2);
        for (const m of plan.measures) expect(m.goalId === null || plan.goals.some((g) => g.id === m.goalId)).toBe(true);
        if (person.deceasedDate) expect([plan.nextMeeting, plan.measures.every((m) => m.status === 'completed')]).toEqual([null, true]);
        else expect(plan.nextMeeting?.at.days).toBeGreaterThanOrEqual(1);
      }
    });

    it('names services outside health care by their unit in organisations.json, each with a consent; health services and family need none', () => {
      const outside = plans.flatMap(({ person, plan }) => plan.participants.filter((x) => x.sector !== 'HEALTH_AND_CARE' && x.sector !== 'FAMILY').map((x) => ({ person, x })));
      for (const { person, x } of outside) {
        expect(outsideHealth.get(x.orgNumber ?? '')).toMatchObject({ name: x.service, kind: x.sector, municipality: person.municipality });
        expect(x.consent?.from && x.consent.from < REFERENCE_DATE).toBe(true);
      }
      for (const { plan } of plans) for (const x of plan.participants.filter((y) => y.sector === 'HEALTH_AND_CARE' || y.sector === 'FAMILY')) expect(x.consent).toBeNull();
      // Only the two shapes' plans involve services outside health care.
      expect(new Set(outside.map(({ person }) => `${person.givenName} ${person.familyName}`))).toEqual(new Set(['Jonas Eide', 'Sara Moe']));
    });

    it("tells the demo's story: Jonas Eide's consent names NAV Bergenhus, in force; Sara Moe's her school and PPT, and child welfare's has ended", () => {
      const jonas = demoPatient('individualPlan').careRecord?.individualPlan;
      expect(jonas?.participants.filter((x) => x.consent).map((x) => [x.service, x.orgNumber, typeof x.consent?.to === 'object'])).toEqual([['NAV Bergenhus', '991500014', true]]);
      expect(jonas?.measures.filter((m) => m.responsible.sector === 'NAV').map((m) => m.status)).toEqual(['ongoing', 'planned']);
      expect(jonas?.nextMeeting?.at).toEqual({ days: 12, time: '13:00' });
      const sara = persons.find((p) => p.givenName === 'Sara' && p.familyName === 'Moe')?.careRecord?.individualPlan;
      expect(sara?.participants.filter((x) => x.consent).map((x) => [x.sector, typeof x.consent?.to === 'string' ? x.consent.to < REFERENCE_DATE : 'running'])).toEqual([
        ['SCHOOL', 'running'],
        ['PPT', 'running'],
        ['CHILD_WELFARE', true],
      ]);
      // Ingrid Solheim's plan involves health and care services and her family only.
      expect(demoPatient('homeCare').careRecord?.individualPlan?.participants.map((x) => x.sector)).toEqual(['HEALTH_AND_CARE', 'HEALTH_AND_CARE', 'FAMILY']);
    });
  });

  describe('record ids', () => {
    /** Every id the sources hand out, each with the kind of record it names. */
    const all = persons.flatMap((p) => [
      ...(p.gpRecord ? [...p.gpRecord.consultations, ...p.gpRecord.prescriptions, ...p.gpRecord.referrals, ...p.gpRecord.plannedFollowUps] : []),
      ...p.hospitalRecords.flatMap((h) => [...h.episodes, ...h.documents, ...h.labs, ...h.medications, ...h.careEpisodes, ...h.referralAnswers, ...h.appointments]),
      ...(p.careRecord
        ? [...p.careRecord.services, ...p.careRecord.visits, ...p.careRecord.welfareTechnology, ...p.careRecord.medications, ...p.careRecord.administrations, ...p.careRecord.plannedVisits]
        : []),
      ...p.summaryRecord.criticalInfo,
      ...p.summaryRecord.dispensations,
    ]).map((r) => r.id);

    it('are opaque: a prefix and letters, no number, unique across the population and the same on every run', () => {
      expect(all.length).toBeGreaterThan(10_000);
      for (const id of all) expect(id).toMatch(/^[a-z]+-[a-z]{14}$/);
      expect(new Set(all).size).toBe(all.length);
      expect(generatePopulation().persons.map((p) => p.hospitalRecords.map((h) => h.episodes.map((e) => e.id)))).toEqual(
        persons.map((p) => p.hospitalRecords.map((h) => h.episodes.map((e) => e.id))),
      );
    });

    it('reveal no order: ids sorted are not the records in the order they were made, so a hidden record leaves no gap', () => {
      // Made in this order: person by person, and within a record in time order (encounters, their results, visits).
      for (const made of [
        persons.flatMap((p) => p.hospitalRecords.flatMap((h) => h.episodes.map((e) => e.id))),
        persons.flatMap((p) => p.hospitalRecords.flatMap((h) => h.labs.map((l) => l.id))),
        persons.flatMap((p) => p.careRecord?.visits.map((v) => v.id) ?? []),
      ]) {
        expect(made.length).toBeGreaterThan(150);
        // Sequential ids would rise at every step (1.0); opaque ones rise about half the time.
        const rising = made.slice(1).filter((id, i) => id > (made[i] as string)).length / (made.length - 1);
        expect(rising).toBeGreaterThan(0.35);
        expect(rising).toBeLessThan(0.65);
        expect([...made].sort()).not.toEqual(made);
      }
      // Ingrid Solheim's heart-failure stay: nothing in its ids says which records came before or after it.
      const ingrid = demoPatient('homeCare').hospitalRecords[0];
      expect(ingrid?.episodes[0]?.id).toMatch(/^enc-[a-z]{14}$/);
      expect(ingrid?.careEpisodes[0]?.id.slice(4)).not.toBe(ingrid?.episodes[0]?.id.slice(4));
    });
  });

  describe('acting for someone else (issue 16)', () => {
    const age = (p: Person, on = REFERENCE_DATE) => ageOn(p.birthDate, on);
    const byNin = new Map(persons.map((p) => [p.nin, p]));

    it('kept everyone drawn before the family where they were: the demo numbers of issue 15 and before', () => {
      expect(
        (['homeCare', 'nursingHome', 'strictlyConfidential', 'young', 'moved', 'changedGp', 'individualPlan'] as const).map((k) => demoPatient(k).nin),
      ).toEqual(['03864013065', '14913527195', '30818824250', '23850274401', '17824432651', '10866515323', '12889940199']);
      expect(persons).toHaveLength(529);
      expect(persons.slice(-4).map((p) => p.demo)).toEqual(['parent', 'child', 'teen', 'representative']);
    });

    it('registers parental responsibility for every living person under 18, with one or two adults aged 22–55 of the same municipality', () => {
      const minors = persons.filter((p) => p.deceasedDate === null && age(p) < 18);
      expect(minors.length).toBeGreaterThan(20);
      for (const child of minors) {
        const holders = child.parentalResponsibility ?? [];
        expect(holders.length === 1 || holders.length === 2).toBe(true);
        if (holders.length === 2) expect(holders.map((h) => h.kind)).toEqual(['JOINT', 'JOINT']);
        else expect(['MOTHER', 'FATHER']).toContain(holders[0]?.kind);
        for (const h of holders) {
          const adult = byNin.get(h.nin);
          expect(adult).toBeDefined();
          expect(age(adult as Person)).toBeGreaterThanOrEqual(22);
          expect(age(adult as Person)).toBeLessThanOrEqual(55);
          expect(age(adult as Person) - age(child)).toBeGreaterThanOrEqual(18);
          if (child.municipality) expect(adult?.municipality).toBe(child.municipality);
          if (h.kind === 'MOTHER') expect(adult?.sex).toBe('female');
          if (h.kind === 'FATHER') expect(adult?.sex).toBe('male');
        }
      }
      // Adults have none.
      expect(persons.filter((p) => age(p) >= 18 && p.parentalResponsibility)).toEqual([]);
    });

    it('tells the demo family: Marte Haugland alone has parental responsibility for Emil, 8, and Ida, 14, in Bergen, all three at one GP office', () => {
      const parent = demoPatient('parent');
      const child = demoPatient('child');
      const teen = demoPatient('teen');
      expect([age(parent), age(child), age(teen)]).toEqual([41, 8, 14]);
      for (const p of [parent, child, teen]) expect([p.municipality, p.gp?.officeHerId]).toEqual(['4601', '81241']);
      expect(child.parentalResponsibility).toEqual([{ nin: parent.nin, kind: 'MOTHER' }]);
      expect(teen.parentalResponsibility).toEqual([{ nin: parent.nin, kind: 'MOTHER' }]);
      expect(parent.parentalResponsibility).toBeUndefined();
      // Emil: asthma with a reliever inhaler (dispensed), and ear infections.
      expect(child.gpRecord?.consultations.filter((c) => c.reason.code === 'H71').length).toBeGreaterThanOrEqual(2);
      expect(child.gpRecord?.consultations.some((c) => c.reason.code === 'R96')).toBe(true);
      expect(child.gpRecord?.prescriptions.map((m) => [m.atc, m.startDate < REFERENCE_DATE])).toEqual([['R03AC02', true]]);
      expect(child.summaryRecord.dispensations.length).toBeGreaterThan(0);
    });

    it("marks what Ida kept from her parents, and nothing else anyone's: a contraception consultation, the pill and its dispensations, at 12–15", () => {
      const teen = demoPatient('teen');
      const kept = teen.gpRecord?.consultations.filter((c) => c.keptFromParents) ?? [];
      expect(kept.map((c) => c.reason.code)).toEqual(['W11']);
      expect(age(teen, kept[0]?.time.slice(0, 10))).toBeGreaterThanOrEqual(12);
      expect(teen.gpRecord?.consultations.filter((c) => !c.keptFromParents).length).toBeGreaterThanOrEqual(1);
      const pills = teen.gpRecord?.prescriptions ?? [];
      expect(pills.map((m) => [m.atc, m.name, m.strength, m.form, m.keptFromParents, m.startDate])).toEqual([
        ['G03AA07', 'Levonorgestrel og etinyløstradiol', '150/30 mikrog', 'tablett, drasjert', true, kept[0]?.time.slice(0, 10)],
      ]);
      const dispensed = teen.summaryRecord.dispensations;
      expect(dispensed.length).toBeGreaterThanOrEqual(1);
      expect(dispensed.every((d) => d.atc === 'G03AA07' && d.keptFromParents === true && d.dispensed > (pills[0]?.startDate ?? ''))).toBe(true);
      // Nobody else's record carries the mark.
      const others = persons.filter((p) => p.demo !== 'teen');
      const marked = others.filter(
        (p) =>
          p.gpRecord?.consultations.some((c) => c.keptFromParents) || p.gpRecord?.prescriptions.some((m) => m.keptFromParents) || p.summaryRecord.dispensations.some((d) => d.keptFromParents),
      );
      expect(marked).toEqual([]);
    });

    it("holds the representation register's grants: Ingrid Solheim's to her daughter (read, messages), her earlier one ended, and a read-only one", () => {
      const ingrid = demoPatient('homeCare');
      const kari = demoPatient('representative');
      expect([kari.familyName, kari.municipality, age(kari)]).toEqual(['Solheim', '4601', 58]);
      const grants = ingrid.powersOfAttorney ?? [];
      expect(grants.map((g) => [g.representativeNin === kari.nin, g.scopes, g.to === null])).toEqual([
        [false, ['READ', 'MESSAGE', 'BLOCK'], false],
        [true, ['READ', 'MESSAGE'], true],
      ]);
      expect(grants[0]?.to !== null && grants[0]!.to < REFERENCE_DATE && grants[0]!.to < (grants[1]?.from ?? '')).toBe(true);
      const all = persons.flatMap((p) => (p.powersOfAttorney ?? []).map((g) => ({ ...g, granter: p })));
      expect(all).toHaveLength(3);
      const readOnly = all.filter((g) => g.scopes.join() === 'READ');
      expect(readOnly).toHaveLength(1);
      expect(readOnly[0]?.granter.municipality).toBe('5001');
      for (const g of all) {
        expect(g.id).toMatch(/^fullmakt-[a-z]{14}$/);
        expect(byNin.has(g.representativeNin)).toBe(true);
        expect(g.representativeNin).not.toBe(g.granter.nin);
        expect(g.from <= REFERENCE_DATE).toBe(true);
      }
    });
  });

  it('matches the checked-in demo-patients.json (run `npx tsx scripts/demo-patients.ts` after changing the population)', () => {
    expect(readFileSync(DEMO_PATIENTS_FILE, 'utf8')).toBe(renderDemoPatientsFile(population));
  });
});
