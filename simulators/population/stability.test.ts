import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkConsistency, CONFIG_DIR, instancesOf, loadOrganisations, loadSources, type Organisations } from '../../lib/config';
import { validateNin } from '../../lib/nin';
import type { SimulatorContext, SimulatorSetup } from '../kit/definition';
import { careRecordFor } from '../kit/careRecordFor';
import { RESIDENTS_PER_ADDED_OFFICE } from './addedResidents';
import { DEMO_PATIENTS_FILE, renderDemoPatientsFile } from './demoPatients';
import { FIRST_DRAW } from './firstDraw';
import { DEFAULT_SEED, generatePopulation, getPopulation, indexPopulation, POPULATION_SIZE, REFERENCE_DATE, type Person, type Population } from './index';
import { ageOn } from './random';

/**
 * Issue 19: a vendor's municipality is data. Adding one to the configuration (its care instance, its GP offices, its
 * hospital) must move no one: every person, practitioner and demo patient of the committed configuration stays as
 * they are, and the new municipality has residents of its own, routed to its instances.
 */

// Synthetic organisation numbers (valid by check digit) and HER-ids no committed organisation has.
const BJORNAFJORDEN = {
  number: '4624',
  name: 'Bjørnafjorden',
  orgNumber: '994123459',
  careInstance: 'care-bjornafjorden',
  hospitals: ['998123453', '983974724'],
  services: [
    { herId: '85301', name: 'Heimesjukepleia Os', phone: '+47 56 57 10 00', kind: 'HOME_NURSING' },
    { herId: '85302', name: 'Heimesjukepleia Eikelandsosen', phone: '+47 56 57 11 00', kind: 'HOME_NURSING' },
    { herId: '85311', name: 'Os sjukeheim', phone: '+47 56 57 20 00', kind: 'NURSING_HOME' },
    { herId: '85320', name: 'Koordinerande eining', phone: '+47 56 57 30 00', kind: 'COORDINATION' },
  ],
};
const BJORNAFJORDEN_OFFICES = [
  { herId: '85101', orgNumber: '995123452', name: 'Os legesenter', municipality: '4624', instance: 'gp-fjord-vest', phone: '+47 56 30 51 00' },
  { herId: '85102', orgNumber: '996123456', name: 'Eikelandsosen legekontor', municipality: '4624', instance: 'gp-nordlys-sor', phone: '+47 56 30 52 00' },
];
const OS_HOSPITAL = {
  orgNumber: '998123453',
  name: 'Os lokalsjukehus',
  trust: 'Helse Bergen HF',
  instance: 'hospital-os',
  departments: [
    { herId: '95001', name: 'Medisinsk avdeling', phone: '+47 56 97 10 00', kind: 'WARD' },
    { herId: '95002', name: 'Medisinsk poliklinikk', phone: '+47 56 97 11 00', kind: 'OUTPATIENT' },
  ],
};
// A second addition, for a later vendor: it must move no one, Bjørnafjorden's residents included.
const VOSS = {
  number: '4621',
  name: 'Voss',
  orgNumber: '998111110',
  careInstance: 'care-bjornafjorden',
  hospitals: ['983974724'],
  services: [{ herId: '86301', name: 'Heimesjukepleia Voss', phone: '+47 56 51 10 00', kind: 'HOME_NURSING' }],
};
const VOSS_OFFICE = { herId: '86101', orgNumber: '998222222', name: 'Vangen legekontor', municipality: '4621', instance: 'gp-fjord-vest', phone: '+47 56 51 21 00' };

const tmp = mkdtempSync(path.join(os.tmpdir(), 'patient-graph-population-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const committedJson = () => JSON.parse(readFileSync(path.join(CONFIG_DIR, 'organisations.json'), 'utf8')) as Record<string, unknown[]>;

/** A copy of the committed configuration with `change` applied, written and loaded as a vendor's files would be. */
function configuration(name: string, change: (orgs: Record<string, unknown[]>) => void): { orgs: Organisations; sourcesFile: string } {
  const orgs = committedJson();
  change(orgs);
  const sources = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'sources.json'), 'utf8')) as { instances: Record<string, unknown> };
  sources.instances['care-bjornafjorden'] = { system: 'care-json', baseUrl: '${CARE_BJORNAFJORDEN_URL:-http://127.0.0.1:4124}', options: { apiKey: 'dev-care-bjornafjorden-key', pageSize: 25 } };
  sources.instances['gp-nordlys-sor'] = { system: 'gp-kith', baseUrl: '${GP_NORDLYS_SOR_URL:-http://127.0.0.1:4135}', options: { dialect: 'soap11', senderHerId: '90001' } };
  sources.instances['hospital-os'] = {
    system: 'hospital-fhir',
    baseUrl: '${HOSPITAL_OS_URL:-http://127.0.0.1:4143}',
    options: { clientId: 'patient-graph', clientSecret: 'dev-os-secret', subscriptionKey: 'dev-os-subscription' },
  };
  const organisationsFile = path.join(tmp, `${name}-organisations.json`);
  const sourcesFile = path.join(tmp, `${name}-sources.json`);
  writeFileSync(organisationsFile, JSON.stringify(orgs, null, 2));
  writeFileSync(sourcesFile, JSON.stringify(sources, null, 2));
  const loaded = loadOrganisations(organisationsFile);
  // A configuration the gateway would start with: every name resolves to an instance of the right contract.
  checkConsistency(loaded, loadSources(sourcesFile));
  return { orgs: loaded, sourcesFile };
}

/** Bjørnafjorden, its offices and its hospital put among the committed organisations, not after them. */
function addBjornafjorden(orgs: Record<string, unknown[]>): void {
  orgs.municipalities?.unshift(BJORNAFJORDEN);
  orgs.gpOffices?.splice(3, 0, BJORNAFJORDEN_OFFICES[0]);
  orgs.gpOffices?.push(BJORNAFJORDEN_OFFICES[1]);
  orgs.hospitals?.unshift(OS_HOSPITAL);
}

/** The persons whose whole record differs between two populations, by identity number. */
function changed(before: readonly Person[], after: Population): string[] {
  const byNin = new Map(after.persons.map((p) => [p.nin, p]));
  return before.filter((p) => JSON.stringify(byNin.get(p.nin)) !== JSON.stringify(p)).map((p) => p.nin);
}

describe('the synthetic population, when a vendor adds a municipality (issue 19)', () => {
  const committed = getPopulation();
  const withBjornafjorden = configuration('bjornafjorden', addBjornafjorden);
  const extended = generatePopulation(DEFAULT_SEED, POPULATION_SIZE, withBjornafjorden.orgs);
  const residents = extended.persons.filter((p) => p.municipality === BJORNAFJORDEN.number);

  it('is the first draw alone for the committed configuration: POPULATION_SIZE people over its organisations', () => {
    expect(committed.persons).toHaveLength(POPULATION_SIZE);
    expect(new Set(committed.persons.map((p) => p.municipality).filter(Boolean))).toEqual(new Set(FIRST_DRAW.municipalities));
  });

  it('leaves every person of the committed configuration as they were: number, name, place and every record, in order', () => {
    expect(extended.persons.slice(0, committed.persons.length).map((p) => p.nin)).toEqual(committed.persons.map((p) => p.nin));
    expect(changed(committed.persons, extended)).toEqual([]);
    // Key fields named, so that a failure says which kind of change it was.
    const key = (p: Person) => [p.nin, p.givenName, p.familyName, p.birthDate, p.municipality, p.gp?.officeHerId, p.gp?.hprNumber, p.careRecord?.municipality];
    expect(extended.persons.slice(0, committed.persons.length).map(key)).toEqual(committed.persons.map(key));
  });

  it('leaves every practitioner where they were, and the demo patients as listed', () => {
    expect(extended.practitioners.slice(0, committed.practitioners.length)).toEqual(committed.practitioners);
    expect(renderDemoPatientsFile(extended)).toBe(readFileSync(DEMO_PATIENTS_FILE, 'utf8'));
  });

  it(`gives the new municipality ${RESIDENTS_PER_ADDED_OFFICE} residents per GP office, listed there, with valid unique numbers`, () => {
    expect(residents).toHaveLength(RESIDENTS_PER_ADDED_OFFICE * BJORNAFJORDEN_OFFICES.length);
    expect(extended.persons).toHaveLength(POPULATION_SIZE + residents.length);
    expect(new Set(extended.persons.map((p) => p.nin)).size).toBe(extended.persons.length);
    for (const office of BJORNAFJORDEN_OFFICES) {
      const listed = residents.filter((p) => p.gp?.officeHerId === office.herId);
      expect([office.herId, listed.length]).toEqual([office.herId, RESIDENTS_PER_ADDED_OFFICE]);
      const gps = new Set(extended.practitioners.filter((g) => g.workplace === office.name).map((g) => g.hprNumber));
      for (const p of listed) {
        expect(validateNin(p.nin)).toEqual({ valid: true, info: { kind: p.kind, synthetic: true, birthDate: p.birthDate } });
        expect(gps.has(p.gp?.hprNumber ?? '')).toBe(true);
        expect(p.gpRecord?.officeHerId).toBe(office.herId);
        expect(p.address?.city).toBe('BJØRNAFJORDEN');
      }
    }
    // Minors have someone with parental responsibility, as everyone's do.
    for (const p of residents.filter((r) => r.deceasedDate === null && ageOn(r.birthDate, REFERENCE_DATE) < 18)) {
      expect(p.parentalResponsibility?.length).toBeGreaterThan(0);
    }
  });

  it("routes its residents' records to its own instances: care to its care instance, hospital stays to its catchment hospital", () => {
    const sources = instancesOf(loadSources(withBjornafjorden.sourcesFile));
    const setup = (id: string): SimulatorContext => {
      const instance = sources.find((i) => i.id === id);
      if (!instance) throw new Error(`no instance ${id}`);
      const s: SimulatorSetup = { instance, orgs: withBjornafjorden.orgs, population: indexPopulation(extended) };
      return s as SimulatorContext;
    };
    const inCare = residents.filter((p) => p.careRecord);
    expect(inCare.length).toBeGreaterThan(0);
    const ownCare = careRecordFor(setup('care-bjornafjorden'));
    const bergenCare = careRecordFor(setup('care-bergen'));
    for (const p of inCare) {
      expect(ownCare(p.nin)?.careRecord.municipality).toBe(BJORNAFJORDEN.number);
      expect(bergenCare(p.nin)).toBeUndefined();
      // Its own districts and nursing homes, as the configuration names them.
      for (const s of p.careRecord?.services ?? []) if (s.type === 'HOME_NURSING' || s.type === 'NURSING_HOME_LONG_TERM') expect(BJORNAFJORDEN.services.map((u) => u.name)).toContain(s.unit);
    }
    const stays = residents.flatMap((p) => p.hospitalRecords);
    expect(stays.length).toBeGreaterThan(0);
    for (const record of stays) expect(record.orgNumber).toBe(OS_HOSPITAL.orgNumber);
    expect(extended.practitioners.filter((p) => p.workplace === OS_HOSPITAL.name).length).toBeGreaterThan(0);
    expect(extended.practitioners.filter((p) => p.workplace === `${BJORNAFJORDEN.name} kommune`).length).toBeGreaterThan(0);
  });

  it("moves no one when another municipality is added later, before it in the file: Bjørnafjorden's residents stay too", () => {
    const later = configuration('voss', (orgs) => {
      addBjornafjorden(orgs);
      orgs.municipalities?.unshift(VOSS);
      orgs.gpOffices?.unshift(VOSS_OFFICE);
    });
    const again = generatePopulation(DEFAULT_SEED, POPULATION_SIZE, later.orgs);
    expect(changed(extended.persons, again)).toEqual([]);
    expect(again.persons.filter((p) => p.municipality === VOSS.number)).toHaveLength(RESIDENTS_PER_ADDED_OFFICE);
    const practitioners = new Map(again.practitioners.map((p) => [p.hprNumber, p]));
    for (const p of extended.practitioners) expect(practitioners.get(p.hprNumber)).toEqual(p);
  });

  it('gives a GP office added in a municipality of the first draw residents of its own, taking no one from the others', () => {
    const office = { ...VOSS_OFFICE, municipality: '4601', name: 'Møhlenpris legekontor' };
    const { orgs } = configuration('bergen-office', (o) => o.gpOffices?.unshift(office));
    const population = generatePopulation(DEFAULT_SEED, POPULATION_SIZE, orgs);
    expect(changed(committed.persons, population)).toEqual([]);
    const listed = population.persons.filter((p) => p.gp?.officeHerId === office.herId);
    expect(listed).toHaveLength(RESIDENTS_PER_ADDED_OFFICE);
    expect(new Set(listed.map((p) => p.municipality))).toEqual(new Set(['4601']));
  });

  it('names an organisation of the first draw that a configuration lacks, rather than drawing other people', () => {
    const { orgs } = configuration('without-askoy-office', () => undefined);
    const without = { ...orgs, gpOffices: orgs.gpOffices.filter((o) => o.herId !== '81245') };
    expect(() => generatePopulation(DEFAULT_SEED, POPULATION_SIZE, without)).toThrow(/first draw needs GP office 81245/);
  });
});
