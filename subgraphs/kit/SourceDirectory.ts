import { adapterManifest, createAdapter, systemRegistry, type AdapterFor, type ContractName } from '../../adapters';
import type { AdapterKit } from '../../adapters/kit';
import type { KitStorage } from '../../adapters/kit/AdapterKit';
import { instancesOf, type InstanceConfig, type Organisations, type SourcesConfig } from '../../lib/config';
import { SECTORS, type SectorName } from '../../lib/sectors';

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
  /**
   * For the source of a service the patient has left (a municipality they lived in, a GP office they were listed
   * with): when they belonged there. Provenance and statuses carry it, so that everything from an earlier record says so.
   */
  period?: RecordPeriod;
}

/** When a patient belonged to a service: ISO dates, `from` where known, `to` null while they still do. */
export interface RecordPeriod {
  from: string | null;
  to: string | null;
}

export function sectorSourceId(sector: SectorName): string {
  return SECTORS[sector].sourceId;
}

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

  /** Where the source cache keeps its entries (Redis, shared by every process, or in process), with its keys. */
  get storage(): KitStorage {
    return this.kit.storage;
  }

  /** The instances whose systems fulfil any of these contracts (from the registry of systems). */
  private fulfilling(contracts: readonly ContractName[]): InstanceConfig[] {
    const registry = systemRegistry();
    return [...this.instances.values()].filter((i) => {
      const contract = registry.get(i.system)?.contract;
      return contract !== undefined && contracts.includes(contract);
    });
  }

  /** Creates every adapter now, so that invalid options fail the process at start, not at the first request. */
  validate(contracts: readonly ContractName[]): void {
    for (const instance of this.fulfilling(contracts)) this.adapter(instance.id, systemRegistry().get(instance.system)?.contract as ContractName);
  }

  /** The instances of systems fulfilling these contracts, with their adapters' titles and protocols (no credentials). */
  describe(contracts: readonly ContractName[]): { id: string; system: string; title: string; protocol: string }[] {
    return this.fulfilling(contracts).map((i) => ({ id: i.id, system: i.system, title: adapterManifest(i.system).title, protocol: adapterManifest(i.system).protocol }));
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

  /**
   * The instance's adapter, asked for by the contract the caller needs (`CareRecordModel`, …): any system whose
   * manifest provides it will do, so that resolvers name no system.
   */
  adapter<C extends ContractName>(id: string, contract: C): AdapterFor[C] {
    const instance = this.instance(id);
    let adapter = this.adapters.get(id) as { contract: C; adapter: AdapterFor[C] } | undefined;
    if (!adapter) {
      adapter = { contract, adapter: createAdapter(instance, contract, this.kit) };
      this.adapters.set(id, adapter);
    } else if (adapter.contract !== contract) {
      throw new Error(`instance ${id} provides ${adapter.contract}, not ${contract}`);
    }
    return adapter.adapter;
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
    const { sourceId, organisation } = SECTORS[sector];
    return { sourceId, organisation, system: 'protected', sector, orgNumber: null, masked: true };
  }

  /** The name the directory knows an organisation number by: municipality, hospital, GP office or a service outside health care. */
  organisationName(orgNumber: string): string | null {
    const municipality = this.orgs.municipalities.find((m) => m.orgNumber === orgNumber);
    if (municipality) return `${municipality.name} kommune`;
    return this.orgs.hospitals.find((h) => h.orgNumber === orgNumber)?.name ?? this.orgs.gpOffices.find((o) => o.orgNumber === orgNumber)?.name ?? this.outsideHealth(orgNumber)?.name ?? null;
  }

  /** A service outside health care (a NAV office, a school, PPT, child welfare) by its unit's organisation number. */
  outsideHealth(orgNumber: string) {
    return this.orgs.outsideHealth.find((s) => s.orgNumber === orgNumber);
  }

  /** The sector an organisation works in, where the directory knows it: what may be said of a reader whose name may not. */
  organisationSector(orgNumber: string): SectorName | null {
    if (this.orgs.municipalities.some((m) => m.orgNumber === orgNumber)) return 'MUNICIPAL_CARE';
    if (this.orgs.hospitals.some((h) => h.orgNumber === orgNumber)) return 'HOSPITAL';
    if (this.orgs.gpOffices.some((o) => o.orgNumber === orgNumber)) return 'GP';
    return null;
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
    return adapterManifest(instance.system).organisation ?? instance.id;
  }

  municipality(number: string) {
    return this.orgs.municipalities.find((m) => m.number === number);
  }

  gpOffice(herId: string) {
    return this.orgs.gpOffices.find((o) => o.herId === herId);
  }

  /**
   * The service a HER-id addresses (a GP office, a municipal unit, a hospital department): its name, phone,
   * organisation, sector, and the instance of the system that holds its records and takes its messages.
   */
  serviceByHerId(herId: string): AddressedService | undefined {
    const office = this.gpOffice(herId);
    if (office) return { herId, name: office.name, phone: office.phone ?? null, orgNumber: office.orgNumber, sector: 'GP', kind: 'GP_OFFICE', instance: office.instance };
    for (const m of this.orgs.municipalities) {
      const s = m.services.find((x) => x.herId === herId);
      if (s) return { herId, name: s.name, phone: s.phone, orgNumber: m.orgNumber, sector: 'MUNICIPAL_CARE', kind: s.kind, instance: m.careInstance };
    }
    for (const h of this.orgs.hospitals) {
      const d = h.departments.find((x) => x.herId === herId);
      if (d) return { herId, name: d.name, phone: d.phone, orgNumber: h.orgNumber, sector: 'HOSPITAL', kind: d.kind, instance: h.instance };
    }
    const portal = this.orgs.national.citizenPortal;
    if (portal?.herId === herId) return { herId, name: portal.name, phone: portal.phone ?? null, orgNumber: portal.orgNumber, sector: 'NATIONAL', kind: 'CITIZEN_PORTAL', instance: null };
    return undefined;
  }

  /** The service of an organisation by its name (a unit or department as a record names it). */
  serviceNamed(orgNumber: string | null, name: string | null): AddressedService | undefined {
    if (!orgNumber || !name) return undefined;
    const wanted = name.trim().toLowerCase();
    const m = this.orgs.municipalities.find((x) => x.orgNumber === orgNumber);
    const h = this.orgs.hospitals.find((x) => x.orgNumber === orgNumber);
    const found = (m?.services ?? h?.departments ?? []).find((s) => s.name.toLowerCase() === wanted);
    return found ? this.serviceByHerId(found.herId) : undefined;
  }

  /** The hospitals of a municipality's catchment area, with their instances. */
  hospitalsFor(municipalityNumber: string) {
    const orgNumbers = this.municipality(municipalityNumber)?.hospitals ?? [];
    return this.orgs.hospitals.filter((h) => orgNumbers.includes(h.orgNumber));
  }
}

/** A service as the address register names it, with the system that takes its messages. */
export interface AddressedService {
  herId: string;
  name: string;
  phone: string | null;
  orgNumber: string;
  sector: SectorName;
  kind: 'GP_OFFICE' | 'HOME_NURSING' | 'NURSING_HOME' | 'COORDINATION' | 'MENTAL_HEALTH' | 'WARD' | 'OUTPATIENT' | 'CITIZEN_PORTAL';
  /** The instance of the system that holds the service's records and takes its messages; null when none is connected. */
  instance: string | null;
}
