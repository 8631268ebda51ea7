import type { GpOffice, Hospital, Municipality, Organisations } from '../../lib/config';

/**
 * The organisations the population was first drawn over (until issue 19), in the order they were drawn: their
 * practitioners and the POPULATION_SIZE people of the first draw come from the population's one seeded sequence, as
 * they always have, so that no identity number, name or record of theirs (and none in the README, the demo list, the
 * tests or the issues) ever moves. Everything configured besides these draws from seeds of its own (addedResidents.ts),
 * so that adding an organisation moves nobody.
 *
 * A record of history, not a list of where people live: every municipality with a GP office has residents. Never edit
 * it; a configuration may change these organisations' instances, names and services, but must keep them.
 */
export const FIRST_DRAW: {
  /** By HER-id. */
  readonly gpOffices: readonly string[];
  /** By organisation number. */
  readonly hospitals: readonly string[];
  /** By number. */
  readonly municipalities: readonly string[];
  /** Where a person of the first draw without a shape lives: three in seven in Bergen, one in Askøy, three in Trondheim. */
  readonly residence: readonly string[];
} = Object.freeze({
  gpOffices: ['81241', '81242', '81243', '81244', '81245', '81246', '82111', '82112', '82113', '82114', '82115', '82116'],
  hospitals: ['983974724', '974557746'],
  municipalities: ['4601', '4627', '5001'],
  residence: ['4601', '4601', '4601', '4627', '5001', '5001', '5001'],
});

/** Organisations that people and practitioners are drawn over: the first draw's, or those added since. */
export interface DrawnOrganisations {
  gpOffices: GpOffice[];
  hospitals: Hospital[];
  municipalities: Municipality[];
}

/** The first draw's organisations as configured; a configuration without one of them cannot give the same people. */
export function firstDrawOrganisations(orgs: Organisations): DrawnOrganisations {
  const find = <T>(kind: string, list: readonly T[], key: (item: T) => string, ids: readonly string[]): T[] =>
    ids.map((id) => {
      const found = list.find((item) => key(item) === id);
      if (!found) throw new RangeError(`the synthetic population's first draw needs ${kind} ${id}, which the organisations configuration lacks (simulators/population/firstDraw.ts)`);
      return found;
    });
  return {
    gpOffices: find('GP office', orgs.gpOffices, (o) => o.herId, FIRST_DRAW.gpOffices),
    hospitals: find('hospital', orgs.hospitals, (h) => h.orgNumber, FIRST_DRAW.hospitals),
    municipalities: find('municipality', orgs.municipalities, (m) => m.number, FIRST_DRAW.municipalities),
  };
}

/** The configured organisations that are not the first draw's, in the configuration's order. */
export function addedOrganisations(orgs: Organisations): DrawnOrganisations {
  return {
    gpOffices: orgs.gpOffices.filter((o) => !FIRST_DRAW.gpOffices.includes(o.herId)),
    hospitals: orgs.hospitals.filter((h) => !FIRST_DRAW.hospitals.includes(h.orgNumber)),
    municipalities: orgs.municipalities.filter((m) => !FIRST_DRAW.municipalities.includes(m.number)),
  };
}
