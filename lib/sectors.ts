import type { SubgraphName } from './subgraphs';

/**
 * The sectors of the health service, in one vocabulary: the `Sector` enum of the graph (schema/shared.graphql),
 * the sector an adapter's manifest declares, the id and organisation a source is named by when its own name may
 * not be given (a strictly confidential address), the words errors use, and the subgraph that answers for it.
 *
 * A new sector starts here: add it to SECTORS, then give it what `lib/sectors.test.ts` asks for (its value in
 * the `Sector` enum, its subgraph in lib/subgraphs.ts with an SDL file in schema/ and a rule table in
 * schema/access/, and at least one contract in adapters/contracts.ts). The test fails until every piece is there.
 */
export interface SectorDefinition {
  /** The id a source of this sector is named by when it may not be named itself (`Patient.sources`, errors, logs). */
  sourceId: string;
  /** The organisation such a source is given, in Norwegian, as the graph shows organisations. */
  organisation: string;
  /** The sector's systems in words, for messages: "The municipal care system did not answer in time". */
  text: string;
  /**
   * Whether a source of this sector places the patient (a municipality's care system, a GP office's system, a
   * catchment hospital): its name is then withheld for a strictly confidential address. Registries and
   * national services serve everyone and tell nothing of where one lives.
   */
  places: boolean;
  /** The subgraph that answers for the sector's records. */
  subgraph: SubgraphName;
  /**
   * How the sector's hidden fields that the record subgraph `@requires` begin: `<prefix>SourceStatus`,
   * `<prefix>TimelineEvents` (and `<prefix>MedicationEntries` where the sector keeps medicines).
   */
  fieldPrefix: string;
  /**
   * For a sector added after the core ones: the global id type code (lib/globalId.ts) of each of its record item types.
   * Append only, as every code: once issued, a code is in clients' caches.
   */
  itemTypes?: Readonly<Record<string, number>>;
}

export const SECTORS = {
  REGISTRY: { sourceId: 'registry', organisation: 'Nasjonalt register', text: 'registry', places: false, subgraph: 'person', fieldPrefix: 'registry' },
  MUNICIPAL_CARE: { sourceId: 'municipal-care', organisation: 'Kommunal helse- og omsorgstjeneste', text: 'municipal care system', places: true, subgraph: 'care', fieldPrefix: 'care' },
  GP: { sourceId: 'gp', organisation: 'Fastlege', text: 'GP record system', places: true, subgraph: 'gp', fieldPrefix: 'gp' },
  HOSPITAL: { sourceId: 'hospital', organisation: 'Spesialisthelsetjenesten', text: 'hospital system', places: true, subgraph: 'hospital', fieldPrefix: 'hospital' },
  NATIONAL: { sourceId: 'national', organisation: 'Nasjonal tjeneste', text: 'national service', places: false, subgraph: 'national', fieldPrefix: 'national' },
  // The municipality's welfare technology platforms (safety alarms, home follow-up, medicine dispensers): chosen by the
  // municipality one lives in, so a platform's name places the patient.
  WELFARE_TECHNOLOGY: { sourceId: 'welfare-technology', organisation: 'Velferdsteknologi', text: 'welfare technology platform', places: true, subgraph: 'welfare', fieldPrefix: 'welfare', itemTypes: { WelfareDevice: 24, HomeMeasurement: 25, WelfareEvent: 26 } },
} as const satisfies Record<string, SectorDefinition>;

export type SectorName = keyof typeof SECTORS;
export const SECTOR_NAMES = Object.keys(SECTORS) as SectorName[];

/** The sector's definition, widened (for code that reads any sector's entry). */
export function sector(name: SectorName): SectorDefinition {
  return SECTORS[name];
}

export function isSectorName(value: string): value is SectorName {
  return Object.hasOwn(SECTORS, value);
}
