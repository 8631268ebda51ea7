import { readFileSync } from 'node:fs';
import { loadOrganisations, loadSources } from '../../lib/config';
import { validateNin } from '../../lib/nin';
import { DEMO_PATIENTS_FILE, renderDemoPatientsFile } from './demoPatients';
import { ageOn } from './random';
import { generatePopulation, getPopulation, REFERENCE_DATE } from './index';

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

  it('treats patients at 2 hospitals, each at the hospital of their catchment area', () => {
    const treated = persons.filter((p) => p.hospitalRecords.length > 0);
    expect(new Set(treated.flatMap((p) => p.hospitalRecords.map((h) => h.orgNumber)))).toEqual(new Set(orgs.hospitals.map((h) => h.orgNumber)));
    for (const p of treated) {
      const catchment = orgs.municipalities.find((m) => m.number === p.municipality)?.hospitals ?? [];
      for (const h of p.hospitalRecords) expect(catchment).toContain(h.orgNumber);
    }
  });

  it('gives most elderly patients home care or a nursing home, and care only to the old or ill', () => {
    const elderly = persons.filter((p) => ageOn(p.birthDate, REFERENCE_DATE) >= 80);
    const inCare = elderly.filter((p) => p.careRecord);
    expect(inCare.length / elderly.length).toBeGreaterThan(0.6);
    const kinds = new Set(persons.flatMap((p) => p.careRecord?.services.map((s) => s.type) ?? []));
    expect(kinds).toEqual(expect.objectContaining(new Set(['HOME_NURSING', 'NURSING_HOME_LONG_TERM', 'SAFETY_ALARM'])));
    for (const p of persons.filter((x) => x.careRecord)) expect(ageOn(p.birthDate, REFERENCE_DATE)).toBeGreaterThanOrEqual(67);
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
      for (const h of p.hospitalRecords) for (const e of h.episodes) for (const d of e.diagnoses) expect(d.code).toMatch(/^[A-Z]\d{2}(\.\d)?$/);
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

  it('matches the checked-in demo-patients.json (run `npx tsx scripts/demo-patients.ts` after changing the population)', () => {
    expect(readFileSync(DEMO_PATIENTS_FILE, 'utf8')).toBe(renderDemoPatientsFile(population));
  });
});
