import { adapterManifest, createAdapter, type AdapterFor } from '../../adapters';
import type { AdapterKit, SectorName } from '../../adapters/kit';
import { instancesOf, type InstanceConfig, type Organisations, type SourcesConfig, type SystemName } from '../../lib/config';

/** What a source is, for provenance and status. */
export interface SourceInfo {
  sourceId: string;
  system: string;
  sector: SectorName;
  organisation: string;
  /**
   * Organisation number of the organisation whose record this is, where the record places the patient
   * (a municipality, GP office or hospital); null for national services and registries.
   */
  orgNumber: string | null;
  /** Not named in answers (strictly confidential address): messages must not name it either. */
  masked?: boolean;
}

/** How a sector is named when its source may not be (see SourceDirectory.masked). */
const SECTOR_SOURCE: Record<SectorName, { sourceId: string; organisation: string }> = {
  REGISTRY: { sourceId: 'registry', organisation: 'Nasjonalt register' },
  MUNICIPAL_CARE: { sourceId: 'municipal-care', organisation: 'Kommunal helse- og omsorgstjeneste' },
  GP: { sourceId: 'gp', organisation: 'Fastlege' },
  HOSPITAL: { sourceId: 'hospital', organisation: 'Spesialisthelsetjenesten' },
  NATIONAL: { sourceId: 'national', organisation: 'Nasjonal tjeneste' },
};

export function sectorSourceId(sector: SectorName): string {
  return SECTOR_SOURCE[sector].sourceId;
}

const REGISTRY_NAMES: Partial<Record<SystemName, string>> = {
  'population-register': 'Folkeregisteret',
  'gp-register': 'Fastlegeregisteret',
  'practitioner-register': 'Helsepersonellregisteret',
  'summary-record': 'Kjernejournal',
};

/**
 * The instances a subgraph may call, their adapters (created once, on first use; an adapter's module is
 * loaded with its first instance, so a subgraph holds only the systems it calls), and routing: which
 * instance holds a patient's data for a given municipality or GP office (from organisations.json).
 */
export class SourceDirectory {
  private readonly instances: Map<string, InstanceConfig>;
  private readonly adapters = new Map<string, unknown>();

  constructor(
    readonly orgs: Organisations,
    sources: SourcesConfig,
    private readonly kit: AdapterKit,
  ) {
    this.instances = new Map(instancesOf(sources).map((i) => [i.id, i]));
  }

  /** Creates every adapter now, so that invalid options fail the process at start, not at the first request. */
  validate(systems: readonly SystemName[]): void {
    for (const instance of this.instances.values()) if (systems.includes(instance.system)) this.adapter(instance.id, [instance.system]);
  }

  /** The instances of the given systems, with their adapters' titles and protocols (no credentials). */
  describe(systems: readonly SystemName[]): { id: string; system: string; title: string; protocol: string }[] {
    return [...this.instances.values()]
      .filter((i) => systems.includes(i.system))
      .map((i) => ({ id: i.id, system: i.system, title: adapterManifest(i.system).title, protocol: adapterManifest(i.system).protocol }));
  }

  /** The instance, or undefined for an id sources.json does not define (input from outside). */
  knownInstance(id: string): InstanceConfig | undefined {
    return this.instances.get(id);
  }

  instance(id: string): InstanceConfig {
    const instance = this.instances.get(id);
    if (!instance) throw new Error(`unknown source instance ${id}`);
    return instance;
  }

  adapter<S extends SystemName>(id: string, systems: readonly S[]): AdapterFor[S] {
    const instance = this.instance(id);
    if (!systems.includes(instance.system as S)) throw new Error(`instance ${id} runs ${instance.system}, not ${systems.join('/')}`);
    let adapter = this.adapters.get(id);
    if (!adapter) {
      adapter = createAdapter(instance as InstanceConfig & { system: S }, this.kit);
      this.adapters.set(id, adapter);
    }
    return adapter as AdapterFor[S];
  }

  /** The source, named; `place` overrides the organisation for instances that serve several (a GP system). */
  info(id: string, place?: { name: string; orgNumber: string | null }): SourceInfo {
    const instance = this.instance(id);
    const municipality = this.orgs.municipalities.find((m) => m.careInstance === id);
    const hospital = this.orgs.hospitals.find((h) => h.instance === id);
    return {
      sourceId: id,
      system: instance.system,
      sector: adapterManifest(instance.system).sector,
      organisation: place?.name ?? this.defaultOrganisation(instance),
      orgNumber: place ? place.orgNumber : (municipality?.orgNumber ?? hospital?.orgNumber ?? null),
    };
  }

  /**
   * A source described by its sector alone. For a patient with a strictly confidential address, the care
   * system and the catchment hospitals are found through the residence: naming them would tell where the
   * patient lives, so statuses, provenance and errors name the sector instead.
   */
  masked(sector: SectorName): SourceInfo {
    return { ...SECTOR_SOURCE[sector], system: 'protected', sector, orgNumber: null, masked: true };
  }

  /** The name the directory knows an organisation number by: municipality, hospital or GP office. */
  organisationName(orgNumber: string): string | null {
    const municipality = this.orgs.municipalities.find((m) => m.orgNumber === orgNumber);
    if (municipality) return `${municipality.name} kommune`;
    return this.orgs.hospitals.find((h) => h.orgNumber === orgNumber)?.name ?? this.orgs.gpOffices.find((o) => o.orgNumber === orgNumber)?.name ?? null;
  }

  municipalityByOrg(orgNumber: string) {
    return this.orgs.municipalities.find((m) => m.orgNumber === orgNumber);
  }

  hospitalByOrg(orgNumber: string) {
    return this.orgs.hospitals.find((h) => h.orgNumber === orgNumber);
  }

  private defaultOrganisation(instance: InstanceConfig): string {
    const municipality = this.orgs.municipalities.find((m) => m.careInstance === instance.id);
    if (municipality) return `${municipality.name} kommune`;
    const hospital = this.orgs.hospitals.find((h) => h.instance === instance.id);
    if (hospital) return hospital.name;
    return REGISTRY_NAMES[instance.system] ?? instance.id;
  }

  municipality(number: string) {
    return this.orgs.municipalities.find((m) => m.number === number);
  }

  gpOffice(herId: string) {
    return this.orgs.gpOffices.find((o) => o.herId === herId);
  }

  /** The hospitals of a municipality's catchment area, with their instances. */
  hospitalsFor(municipalityNumber: string) {
    const orgNumbers = this.municipality(municipalityNumber)?.hospitals ?? [];
    return this.orgs.hospitals.filter((h) => orgNumbers.includes(h.orgNumber));
  }
}
