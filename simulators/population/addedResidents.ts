import type { Organisations } from '../../lib/config';
import { addedOrganisations } from './firstDraw';
import type { Shape } from './generate';
import { seedOf } from './random';

/**
 * The residents of organisations added to the configuration after the first draw (firstDraw.ts): each GP office not
 * in it lists this many people of its municipality, so that a new municipality, with its GP offices, has residents
 * (routed to its care instance by their municipality, to its GP system by their office), and a new office in a
 * municipality of the first draw has its own. A municipality without a GP office of its own has none.
 */
export const RESIDENTS_PER_ADDED_OFFICE = 20;

/** One person to draw: who they are by a stable key, the seed of their own generator, and what is fixed. */
export interface AddedResident {
  /** `<office HER-id>:<index at the office>`: names the person's draws and ids, whatever else is configured. */
  key: string;
  seed: number;
  shape: Shape;
}

/**
 * The people the added GP offices list, office by office in the configuration's order. Each is drawn from a
 * generator of their own, seeded by the population's seed, the office's HER-id and their index there, never from
 * the population's sequence: adding an organisation, anywhere in the configuration, moves no one drawn before.
 */
export function addedResidents(orgs: Organisations, seed: number): AddedResident[] {
  return addedOrganisations(orgs).gpOffices.flatMap((office) =>
    Array.from({ length: RESIDENTS_PER_ADDED_OFFICE }, (_, i) => {
      const key = `${office.herId}:${i}`;
      return { key, seed: residentSeed(seed, key), shape: { municipality: office.municipality, officeHerId: office.herId } };
    }),
  );
}

/** A 32-bit seed from the population's seed and a person's key (a keyed hash: nearby keys give unrelated seeds). */
export function residentSeed(seed: number, key: string): number {
  return seedOf('residents', `${seed}:${key}`);
}
