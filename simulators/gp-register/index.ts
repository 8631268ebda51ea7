import type express from 'express';
import { instancesOf, loadSources, type Organisations } from '../../lib/config';
import type { Person, PopulationIndex } from '../population';
import { worldToday } from '../population/clock';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import {
  child,
  createWcfService,
  credentialsOf,
  deserializationFault,
  faultEnvelope,
  internalFault,
  isNil,
  NS,
  responseEnvelope,
  SOAP12_CONTENT_TYPE,
  WcfFault,
  type XmlElement,
} from '../kit/wcfService';

/**
 * GP register (Fastlegeregisteret) simulator: NHN's WCF read service `IFlrReadOperations` over SOAP 1.2.
 * One operation, a batch look-up: `GetPatientsGPDetails` with the patients' identity numbers in the body,
 * answering one `PatientToGPContractAssociation` per listed patient; patients without a GP, and unknown
 * numbers, are simply absent. Data-contract quirks are real: members in alphabetical order (WCF's default),
 * `i:nil` for an open period, and dates as unspecified-kind .NET DateTimes (`2024-03-01T00:00:00`).
 */
export const FLR_PATH = '/FlrReadOperations.svc';
export const FLR_NS = 'http://register.nhn.no/Fastlege';
export const FLR_DTO_NS = 'http://schemas.datacontract.org/2004/07/NHN.DTOs.Fastlege';
export const GET_PATIENTS_GP_DETAILS = 'http://register.nhn.no/Fastlege/IFlrReadOperations/GetPatientsGPDetails';
/** The most patients one call may carry (the adapter's manifest.maxBatch). */
export const FLR_MAX_BATCH = 100;

/** The record system a GP office runs, as the register names it, by the dialect of the office's GP-system instance. */
const EPR_SYSTEM_BY_DIALECT: Record<string, string> = { soap11: 'Nordlys Journal', soap12: 'Fjord EPJ' };

export interface GpOfficeEntry {
  herId: string;
  name: string;
  orgNumber: string;
  eprSystem: string | null;
}

/**
 * The GP offices as the register knows them. The record system comes from configuration: the office's
 * instance (organisations.json) and that instance's `dialect` option (sources.json), so that the register
 * and the GP systems always agree on which office runs what.
 */
export function gpOffices(orgs: Organisations, sources = loadSources()): Map<string, GpOfficeEntry> {
  const dialects = new Map(instancesOf(sources).map((i) => [i.id, i.options.dialect]));
  return new Map(
    orgs.gpOffices.map((o) => {
      const dialect = dialects.get(o.instance);
      const eprSystem = typeof dialect === 'string' ? (EPR_SYSTEM_BY_DIALECT[dialect] ?? null) : null;
      return [o.herId, { herId: o.herId, name: o.name, orgNumber: o.orgNumber, eprSystem }];
    }),
  );
}

const wcfDateTime = (date: string) => `${date}T00:00:00`;
const nil = { '@_i:nil': 'true' };

/** One patient's listing in the register's data-contract XML (prefix `a:`), or null when not listed. */
export function gpAssociation(person: Person, offices: Map<string, GpOfficeEntry>, population: PopulationIndex): Record<string, unknown> | null {
  if (!person.gp) return null;
  return association(person.nin, { ...person.gp, from: person.gp.since, to: null }, offices, population);
}

/** How many years of earlier listings the register answers beside today's. */
export const HISTORY_YEARS = 10;

/**
 * The patient's listings: today's, and the earlier ones that ended within the last HISTORY_YEARS (a switch of GP
 * closes the old period; the register keeps it). The real register answers a patient's earlier listings on a
 * per-patient operation (`GetPatientGPHistory`); this one answers them in the batch look-up too, as closed
 * associations beside the open one, so that routing to earlier offices costs no call per patient.
 */
export function gpAssociations(person: Person, offices: Map<string, GpOfficeEntry>, population: PopulationIndex, today: string): Record<string, unknown>[] {
  const since = `${Number(today.slice(0, 4)) - HISTORY_YEARS}${today.slice(4, 10)}`;
  const earlier = (person.earlierGpListings ?? []).filter((l) => l.to >= since).map((l) => association(person.nin, { ...l, from: l.from, to: l.to }, offices, population));
  return [...earlier, gpAssociation(person, offices, population)].filter((a): a is Record<string, unknown> => a !== null);
}

function association(
  nin: string,
  listing: { officeHerId: string; hprNumber: string; from: string; to: string | null },
  offices: Map<string, GpOfficeEntry>,
  population: PopulationIndex,
): Record<string, unknown> | null {
  const office = offices.get(listing.officeHerId);
  if (!office) return null;
  const gp = population.practitioners.get(listing.hprNumber);
  // Members in alphabetical order, as WCF's DataContractSerializer writes them when no Order is set.
  return {
    'a:GP': gp ? { 'a:FirstName': gp.givenName, 'a:HprNumber': gp.hprNumber, 'a:LastName': gp.familyName } : nil,
    'a:GPContract': {
      'a:EprSystem': office.eprSystem ?? nil,
      'a:GPOffice': { 'a:HerId': office.herId, 'a:Name': office.name, 'a:OrganizationNumber': office.orgNumber },
    },
    'a:PatientNIN': nin,
    'a:Period': { 'a:From': wcfDateTime(listing.from), 'a:To': listing.to ? wcfDateTime(listing.to) : nil },
  };
}

/** The response Body's content for a list of associations. */
export function gpDetailsResponse(associations: Record<string, unknown>[]): Record<string, unknown> {
  return {
    GetPatientsGPDetailsResponse: {
      '@_xmlns': FLR_NS,
      GetPatientsGPDetailsResult: {
        '@_xmlns:a': FLR_DTO_NS,
        '@_xmlns:i': NS.xsi,
        ...(associations.length ? { 'a:PatientToGPContractAssociation': associations } : {}),
      },
    },
  };
}

/** The identity numbers of a request; refuses what WCF could not deserialize, without quoting values. */
function requestedNins(operation: XmlElement): string[] {
  const list = child(operation, FLR_NS, 'patientNins');
  if (!list || isNil(list)) throw deserializationFault("The parameter 'patientNins' is required.");
  if (list.children.some((c) => c.ns !== NS.arrays || c.name !== 'string')) {
    throw deserializationFault("The parameter 'patientNins' must be an array of strings (namespace http://schemas.microsoft.com/2003/10/Serialization/Arrays).");
  }
  if (list.children.length > FLR_MAX_BATCH) {
    throw new WcfFault('Sender', null, `At most ${FLR_MAX_BATCH} patients can be looked up in one call.`);
  }
  const nins = list.children.map((c) => c.text);
  // Privacy: the reason names the rule, never the offending number.
  if (nins.some((n) => !/^\d{11}$/.test(n))) throw new WcfFault('Sender', null, 'Every patient NIN must be 11 digits.');
  return [...new Set(nins)];
}

function createApp({ instance, orgs, population }: SimulatorContext): express.Express {
  const offices = gpOffices(orgs);
  return createWcfService({
    path: FLR_PATH,
    credentials: credentialsOf(instance.options),
    operations: [
      {
        action: GET_PATIENTS_GP_DETAILS,
        request: { ns: FLR_NS, name: 'GetPatientsGPDetails' },
        handle: (operation) => {
          const associations: Record<string, unknown>[] = [];
          const today = worldToday();
          for (const nin of requestedNins(operation)) {
            const person = population.byNin.get(nin);
            if (person) associations.push(...gpAssociations(person, offices, population, today));
          }
          return gpDetailsResponse(associations);
        },
      },
    ],
  });
}

export const gpRegisterSimulator: SimulatorDefinition = {
  system: 'gp-register',
  createApp,
  failure: { status: 500, contentType: SOAP12_CONTENT_TYPE, body: faultEnvelope(internalFault) },
  // Well-formed, but the association lacks its contract and period, which the register always sends.
  invalid: {
    status: 200,
    contentType: SOAP12_CONTENT_TYPE,
    body: responseEnvelope(GET_PATIENTS_GP_DETAILS, gpDetailsResponse([{ 'a:PatientNIN': 'unknown' }])),
  },
};
