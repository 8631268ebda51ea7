import type { CareRecord, Person } from '../population';
import type { SimulatorContext } from './definition';

/**
 * Which care records one instance holds: those of persons whose care record lies in a municipality that
 * organisations.json routes to this instance (`careInstance`), today's or one the person left when they moved (the
 * record stays with the municipality, its services ended). Shared by both care simulators: the person comes back
 * with `careRecord` set to the record this instance holds.
 */
export function careRecordFor({ instance, orgs, population }: SimulatorContext): (nin: string) => (Person & { careRecord: CareRecord }) | undefined {
  const municipalities = new Set(orgs.municipalities.filter((m) => m.careInstance === instance.id).map((m) => m.number));
  return (nin) => {
    const person = population.byNin.get(nin);
    if (!person) return undefined;
    if (person.careRecord && municipalities.has(person.careRecord.municipality)) return person as Person & { careRecord: CareRecord };
    const earlier = person.earlierCareRecords?.find((r) => municipalities.has(r.municipality));
    return earlier ? { ...person, careRecord: earlier } : undefined;
  };
}

/** What a care system knows beside the record: its units' HER-ids, its staff's names, and the moment it answers. */
export interface CareDirectory {
  /** A unit's HER-id in the address register, by its name; null for a unit without one. */
  herIdOf(unit: string): string | null;
  /** A member of staff's name as the system writes it ("Line Knutsen"), by HPR number. */
  nameOf(hprNumber: string): string | null;
  /** The moment the answer is made, which dates what is planned (population/clock.ts); now by default. */
  now?: Date;
}

/** The directory of the municipalities one instance serves (organisations.json `services`) and the population's practitioners. */
export function careDirectory({ instance, orgs, population }: SimulatorContext): CareDirectory {
  const units = new Map(orgs.municipalities.filter((m) => m.careInstance === instance.id).flatMap((m) => m.services.map((s) => [s.name, s.herId] as const)));
  return {
    herIdOf: (unit) => units.get(unit) ?? null,
    nameOf: (hpr) => {
      const p = population.practitioners.get(hpr);
      return p ? `${p.givenName} ${p.familyName}` : null;
    },
  };
}
