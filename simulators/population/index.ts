import { DEFAULT_SEED, generatePopulation, getPopulation, NURSING_HOME_DOCTOR, nursingHomeDoctor, POPULATION_SIZE, REFERENCE_DATE } from './generate';
import type { DemoKey, Person, Population, Practitioner } from './types';

export * from './types';
export { DEFAULT_SEED, generatePopulation, getPopulation, NURSING_HOME_DOCTOR, nursingHomeDoctor, POPULATION_SIZE, REFERENCE_DATE };
export { doseText } from './records';
export { CODE_SYSTEMS, DRUGS, LABS } from './codes';

/** Look-ups the simulators need on every request. */
export interface PopulationIndex {
  population: Population;
  byNin: Map<string, Person>;
  practitioners: Map<string, Practitioner>;
}

export function indexPopulation(population: Population): PopulationIndex {
  return {
    population,
    byNin: new Map(population.persons.map((p) => [p.nin, p])),
    practitioners: new Map(population.practitioners.map((p) => [p.hprNumber, p])),
  };
}

let cachedIndex: PopulationIndex | undefined;

export function getPopulationIndex(): PopulationIndex {
  cachedIndex ??= indexPopulation(getPopulation());
  return cachedIndex;
}

export function demoPatient(key: DemoKey, population: Population = getPopulation()): Person {
  const person = population.persons.find((p) => p.demo === key);
  if (!person) throw new RangeError(`no demo patient ${key}`);
  return person;
}
