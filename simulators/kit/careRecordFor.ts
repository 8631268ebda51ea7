import type { CareRecord, Person } from '../population';
import type { SimulatorContext } from './definition';

/**
 * Which care records one instance holds: those of persons whose care record lies in a municipality that
 * organisations.json routes to this instance (`careInstance`). Shared by both care simulators.
 */
export function careRecordFor({ instance, orgs, population }: SimulatorContext): (nin: string) => (Person & { careRecord: CareRecord }) | undefined {
  const municipalities = new Set(orgs.municipalities.filter((m) => m.careInstance === instance.id).map((m) => m.number));
  return (nin) => {
    const person = population.byNin.get(nin);
    if (!person?.careRecord || !municipalities.has(person.careRecord.municipality)) return undefined;
    return person as Person & { careRecord: CareRecord };
  };
}
