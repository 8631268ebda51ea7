import type { Shape } from './generate';
import { opaqueId } from './opaqueId';
import { addDays, ageOn, Random, seedOf } from './random';
import { REFERENCE_DATE } from './clock';
import type { ParentalResponsibility, Person, PowerOfAttorney } from './types';

/**
 * Acting for someone else (issue 16): the population register's parental responsibility (foreldreansvar) for everyone
 * under 18, and the representation register's powers of attorney (fullmakt, as helsenorge.no keeps them).
 *
 * The people of the demo's story are drawn after everyone else (FAMILY_SHAPES, generate.ts); who holds parental
 * responsibility for everyone else, and the grants besides the demo's, come from generators of their own, seeded apart
 * from the population's and drawn after it, so that no earlier draw, id or number moves.
 */

/** Mixed into the population's seed for the generators of this file, so that they draw apart from it. */
const PARENTS_SEED = 0x0f0e1234;
const GRANTS_SEED = 0x0fa11a17;

/**
 * The demo's family (issue 16), drawn after everyone else:
 * - Marte Haugland, 41, in Bergen (demo `parent`, persona citizen-parent): sole parental responsibility for her two
 *   children;
 * - Emil Haugland, 8 (demo `child`): asthma with a salbutamol inhaler, two ear infections, all at Nordnes legekontor;
 * - Ida Haugland, 14 (demo `teen`): ordinary consultations at Nordnes legekontor, and one she has kept from her mother
 *   (pbrl § 3-4): contraceptive counselling, a contraceptive pill and its dispensations;
 * - Kari Solheim, 58, in Bergen (demo `representative`): Ingrid Solheim's daughter, who holds her mother's power of
 *   attorney to read and send messages (not to set blocks).
 */
export const FAMILY_SHAPES: Shape[] = [
  {
    demo: 'parent', givenName: 'Marte', familyName: 'Haugland', age: 41, sex: 'female', municipality: '4601', officeHerId: '81241',
    conditions: [], care: 'none', episodes: 'none',
  },
  {
    demo: 'child', givenName: 'Emil', familyName: 'Haugland', age: 8, sex: 'male', municipality: '4601', officeHerId: '81241',
    conditions: ['asthma'], drugChoice: { asthma: 0 }, care: 'none', episodes: 'none', medicationsSince: 640,
    gpConsultations: [
      { reason: 'H71', daysAgo: 410, note: 'Vondt i venstre øre siden i går, feber 38,6. Rød, bulende trommehinne venstre side. Smertelindring, kontroll ved forverring.' },
      { reason: 'H71', daysAgo: 95, note: 'Øreverk høyre side i to dager. Rød trommehinne høyre side. Paracetamol ved behov, ny time om ikke bedre om tre dager.' },
    ],
  },
  {
    demo: 'teen', givenName: 'Ida', familyName: 'Haugland', age: 14, sex: 'female', municipality: '4601', officeHerId: '81241',
    conditions: [], care: 'none', episodes: 'none',
    keptFromParents: {
      daysAgo: 150,
      note: 'Kom alene for prevensjonsveiledning. Vurdert moden nok til å samtykke selv. Ønsker ikke at foreldrene får vite om konsultasjonen; informert om taushetsplikten. Startet p-piller, kontroll om tre måneder.',
    },
  },
  {
    demo: 'representative', givenName: 'Kari', familyName: 'Solheim', age: 58, sex: 'female', municipality: '4601', officeHerId: '81242',
    conditions: [], care: 'none', episodes: 'none',
  },
];

const isAlive = (p: Person) => p.deceasedDate === null;
const ageOf = (p: Person) => ageOn(p.birthDate, REFERENCE_DATE);

/**
 * Parental responsibility for every living person under 18: the demo children's with their mother (alone), everyone
 * else's with one or two adults aged 22–55 of the child's municipality, 18 to 45 years older than the child, drawn from
 * a generator of its own. Two hold it jointly (felles); one alone is the mother or the father.
 */
export function addParentalResponsibility(persons: Person[], seed: number): void {
  const rng = new Random((seed ^ PARENTS_SEED) >>> 0);
  const demoParent = persons.find((p) => p.demo === 'parent');
  const adults = persons.filter(isAdult);
  for (const child of persons) {
    if (!isAlive(child) || ageOf(child) >= 18) continue;
    if (child.demo === 'child' || child.demo === 'teen') {
      if (!demoParent) throw new RangeError('the demo children need the demo parent');
      child.parentalResponsibility = [{ nin: demoParent.nin, kind: 'MOTHER' }];
      // They live with her.
      child.address = demoParent.address ? { ...demoParent.address } : null;
      continue;
    }
    child.parentalResponsibility = parentsOf(child, adults, rng);
  }
}

/**
 * Parental responsibility for the living minors among the residents of organisations added since the first draw
 * (addedResidents.ts), each from a generator of their own (by their key), among the adults listed at the same office
 * and the first draw's (`firstDraw`, the people above): none of these moves when another organisation is added.
 */
export function addParentalResponsibilityOfAdded(added: readonly { key: string; person: Person }[], firstDraw: readonly Person[], seed: number): void {
  const adultsOfFirstDraw = firstDraw.filter(isAdult);
  for (const { key, person: child } of added) {
    if (!isAlive(child) || ageOf(child) >= 18) continue;
    const office = child.gp?.officeHerId;
    const neighbours = added.filter((a) => office !== undefined && a.person.gp?.officeHerId === office && isAdult(a.person)).map((a) => a.person);
    const rng = new Random(seedOf('parents', `${(seed ^ PARENTS_SEED) >>> 0}:${key}`));
    child.parentalResponsibility = parentsOf(child, [...neighbours, ...adultsOfFirstDraw], rng);
  }
}

/** Who may hold parental responsibility: a living adult aged 22–55, not a demo patient. */
function isAdult(p: Person): boolean {
  return isAlive(p) && p.demo === null && ageOf(p) >= 22 && ageOf(p) <= 55;
}

/** One or two adults of the child's municipality, 18 to 45 years older, drawn from `rng` (else any 18 years older). */
function parentsOf(child: Person, adults: readonly Person[], rng: Random): ParentalResponsibility[] {
  const gap = (a: Person) => ageOf(a) - ageOf(child);
  const near = adults.filter((a) => (child.municipality === null || a.municipality === child.municipality) && gap(a) >= 18 && gap(a) <= 45);
  const candidates = near.length ? near : adults.filter((a) => gap(a) >= 18);
  const first = rng.pick(candidates);
  const others = candidates.filter((a) => a.sex !== first.sex);
  return others.length && rng.chance(0.75)
    ? [first, rng.pick(others)].map((a) => ({ nin: a.nin, kind: 'JOINT' }))
    : [{ nin: first.nin, kind: first.sex === 'female' ? 'MOTHER' : 'FATHER' }];
}

/**
 * The representation register's grants: Ingrid Solheim's (demo homeCare) to her daughter Kari Solheim (demo
 * representative) to read and send messages, and an earlier one of hers to someone else that has ended; and one
 * person in Trondheim's grant to read only. Ids are opaque, from seeds of their own.
 */
export function addPowersOfAttorney(persons: Person[], seed: number): void {
  const rng = new Random((seed ^ GRANTS_SEED) >>> 0);
  const id = (n: number) => opaqueId('fullmakt', `${seed}:representation:${n}`);
  const demo = (key: Person['demo']) => {
    const found = persons.find((p) => p.demo === key);
    if (!found) throw new RangeError(`the population has no demo ${key}`);
    return found;
  };
  const grant = (granter: Person, g: PowerOfAttorney) => {
    granter.powersOfAttorney = [...(granter.powersOfAttorney ?? []), g];
  };
  const ordinary = (p: Person) => isAlive(p) && p.demo === null && p.kind === 'FNR' && p.addressProtection === 'NONE';
  const ingrid = demo('homeCare');
  const kari = demo('representative');
  // An earlier grant of Ingrid's, to a neighbour in Bergen, withdrawn when her daughter took over.
  const neighbour = rng.pick(persons.filter((p) => ordinary(p) && p.municipality === '4601' && ageOf(p) >= 40 && ageOf(p) <= 75));
  grant(ingrid, { id: id(1), representativeNin: neighbour.nin, scopes: ['READ', 'MESSAGE', 'BLOCK'], from: addDays(REFERENCE_DATE, -1900), to: addDays(REFERENCE_DATE, -401) });
  grant(ingrid, { id: id(2), representativeNin: kari.nin, scopes: ['READ', 'MESSAGE'], from: addDays(REFERENCE_DATE, -400), to: null });
  // Someone old in Trondheim lets a younger relative read, nothing more.
  const elder = rng.pick(persons.filter((p) => ordinary(p) && p.municipality === '5001' && ageOf(p) >= 75));
  const relative = rng.pick(persons.filter((p) => ordinary(p) && p.municipality === '5001' && ageOf(p) >= 30 && ageOf(p) <= 60));
  grant(elder, { id: id(3), representativeNin: relative.nin, scopes: ['READ'], from: addDays(REFERENCE_DATE, -rng.int(60, 900)), to: null });
}

/** Every grant of the population, with its granter: for the simulator and the tests. */
export function allPowersOfAttorney(persons: readonly Person[]): (PowerOfAttorney & { granterNin: string })[] {
  return persons.flatMap((p) => (p.powersOfAttorney ?? []).map((g) => ({ ...g, granterNin: p.nin })));
}
