import type express from 'express';
import { CODE_LISTS, entry } from '../../codelists';
import type { Practitioner } from '../population';
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
 * Practitioner register (Helsepersonellregisteret, HPR) simulator: NHN's WCF service `IHprService` over
 * SOAP 1.2, one batch operation `GetPersons` taking HPR numbers as `int`s. Each known number answers a
 * `Person` with Norwegian member names; profession, authorisation type and speciality are the register's
 * `Kode` data contract, its members as elements in WCF's alphabetical order (Aktiv, Beskrivelse, OID as the
 * code list's number, Verdi), not KITH's V/S/DN attributes; unknown numbers are absent. A doctor's history is real: the licence
 * (lisens) held before the authorisation is listed as an inactive approval.
 */
export const HPR_PATH = '/HprService.svc';
export const HPR_NS = 'http://register.nhn.no/Hpr';
export const HPR_DTO_NS = 'http://schemas.datacontract.org/2004/07/NHN.DTOs.Hpr';
export const GET_PERSONS = 'http://register.nhn.no/Hpr/IHprService/GetPersons';
/** The most HPR numbers one call may carry (the adapter's manifest.maxBatch). */
export const HPR_MAX_BATCH = 200;

/**
 * Code lists by their number, as the register's `Kode.OID` carries them (the full OID is
 * 2.16.578.1.12.4.1.1.<number>). 9060 is the health-personnel category.
 */
export const OID = {
  category: '9060',
  authorisation: '7704',
  speciality: '7426',
} as const;

const CATEGORY_TEXT = (profession: Practitioner['profession']) => entry('hprCategory', profession).display;

/** Speciality codes (7426) by name, from codelists/hpr.json (which flags the codes it could not verify). */
const SPECIALITY_CODE = new Map(CODE_LISTS.hprSpeciality.entries.map((e) => [e.display, e.code]));
const APPROVAL = { authorisation: entry('hprApproval', '1'), licence: entry('hprApproval', '2') };

const nil = { '@_i:nil': 'true' };
const wcfDateTime = (date: string) => `${date}T00:00:00`;
/** One `Kode`: whether the code is in use, its text, its code list's number and its value. */
const code = (v: string, oid: string, dn: string) => ({ 'a:Aktiv': 'true', 'a:Beskrivelse': dn, 'a:OID': oid, 'a:Verdi': v });

function specialityCode(name: string): string {
  const found = SPECIALITY_CODE.get(name);
  if (!found) throw new Error(`speciality ${name} is not in codelists/hpr.json (7426)`);
  return found;
}

function addYears(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

/** One approval (godkjenning), members in WCF's alphabetical order. */
function approval(p: Practitioner, kind: 'authorisation' | 'licence'): Record<string, unknown> {
  const active = kind === 'authorisation';
  // A licence for the internship years before the authorisation; it ended when the authorisation began.
  const from = active ? p.authorisedSince : addYears(p.authorisedSince, -2);
  const speciality = active && p.speciality ? p.speciality : null;
  return {
    'a:Autorisasjon': active ? code(APPROVAL.authorisation.code, OID.authorisation, APPROVAL.authorisation.display) : code(APPROVAL.licence.code, OID.authorisation, APPROVAL.licence.display),
    'a:Gyldig': { 'a:Aktiv': String(active), 'a:Fra': wcfDateTime(from), 'a:Til': active ? nil : wcfDateTime(p.authorisedSince) },
    'a:Helsepersonellkategori': code(p.profession, OID.category, CATEGORY_TEXT(p.profession)),
    // WCF writes an empty collection as an empty element.
    'a:Spesialiteter': speciality ? { 'a:Spesialitet': code(specialityCode(speciality), OID.speciality, speciality) } : '',
  };
}

/** One practitioner in the register's data-contract XML (prefix `a:`). */
export function hprPerson(p: Practitioner): Record<string, unknown> {
  const approvals = p.profession === 'LE' ? [approval(p, 'licence'), approval(p, 'authorisation')] : [approval(p, 'authorisation')];
  return {
    'a:Etternavn': p.familyName,
    'a:Fornavn': p.givenName,
    'a:Godkjenninger': { 'a:Godkjenning': approvals },
    'a:HPRNummer': p.hprNumber,
    'a:Mellomnavn': nil,
  };
}

export function getPersonsResponse(persons: Record<string, unknown>[]): Record<string, unknown> {
  return {
    GetPersonsResponse: {
      '@_xmlns': HPR_NS,
      GetPersonsResult: { '@_xmlns:a': HPR_DTO_NS, '@_xmlns:i': NS.xsi, ...(persons.length ? { 'a:Person': persons } : {}) },
    },
  };
}

const INT32_MAX = 2_147_483_647;

/** The HPR numbers of a request, as WCF would deserialize an `int[]`. */
function requestedNumbers(operation: XmlElement): string[] {
  const list = child(operation, HPR_NS, 'hprNumbers');
  if (!list || isNil(list)) throw deserializationFault("The parameter 'hprNumbers' is required.");
  if (list.children.some((c) => c.ns !== NS.arrays || c.name !== 'int')) {
    throw deserializationFault("The parameter 'hprNumbers' must be an array of int (namespace http://schemas.microsoft.com/2003/10/Serialization/Arrays).");
  }
  if (list.children.length > HPR_MAX_BATCH) throw new WcfFault('Sender', null, `At most ${HPR_MAX_BATCH} HPR numbers can be looked up in one call.`);
  const numbers = list.children.map((c) => c.text);
  if (numbers.some((n) => !/^-?\d{1,10}$/.test(n) || Math.abs(Number(n)) > INT32_MAX)) {
    throw deserializationFault("The value of 'hprNumbers' could not be deserialized as Int32.");
  }
  return [...new Set(numbers.map((n) => String(Number(n))))];
}

function createApp({ instance, population }: SimulatorContext): express.Express {
  return createWcfService({
    path: HPR_PATH,
    credentials: credentialsOf(instance.options),
    operations: [
      {
        action: GET_PERSONS,
        request: { ns: HPR_NS, name: 'GetPersons' },
        handle: (operation) => {
          const persons: Record<string, unknown>[] = [];
          for (const hpr of requestedNumbers(operation)) {
            const practitioner = population.practitioners.get(hpr);
            if (practitioner) persons.push(hprPerson(practitioner));
          }
          return getPersonsResponse(persons);
        },
      },
    ],
  });
}

export const practitionerRegisterSimulator: SimulatorDefinition = {
  system: 'practitioner-register',
  createApp,
  failure: { status: 500, contentType: SOAP12_CONTENT_TYPE, body: faultEnvelope(internalFault) },
  // Well-formed, but the person has no HPR number and no surname, which the register always sends.
  invalid: {
    status: 200,
    contentType: SOAP12_CONTENT_TYPE,
    body: responseEnvelope(GET_PERSONS, getPersonsResponse([{ 'a:Fornavn': 'Ukjent', 'a:Godkjenninger': '' }])),
  },
};
