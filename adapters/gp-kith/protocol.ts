import type { SoapVersion } from '../kit';
import type { GpKithDialect } from './manifest';

/**
 * The KITH vocabulary both vendors share, and what differs between their dialects. The journal content
 * is modelled on KITH's message style (English element names, codes as V/S/DN attributes, identifiers as
 * Ident/Id/TypeId); it is not a published KITH schema.
 */
export const KITH_NS = {
  msgHead: 'http://www.kith.no/xmlstds/msghead/2006-05-24',
  journal: 'http://www.kith.no/xmlstds/journaluttrekk/2016-10-01',
} as const;

export const MIG_VERSION = 'v1.2 2006-05-24';
export const REQUEST_TYPE = { V: 'HENT_JOURNAL', DN: 'Forespørsel om journalopplysninger' } as const;
export const RESPONSE_TYPE = 'JOURNAL';

/** Volven code systems used in identifiers (the OIDs carry no urn:oid: prefix in KITH's S attribute). */
export const OID = {
  personIdType: '2.16.578.1.12.4.1.1.8116',
  organisationIdType: '2.16.578.1.12.4.1.1.9051',
  icpc2: '2.16.578.1.12.4.1.1.7170',
  atc: '2.16.578.1.12.4.1.1.7180',
} as const;

export interface DialectProfile {
  /** The vendor product, for messages. */
  product: string;
  soapVersion: SoapVersion;
  path: string;
  action: string;
}

export const DIALECTS: Record<GpKithDialect, DialectProfile> = {
  soap11: { product: 'Nordlys Journal', soapVersion: '1.1', path: '/soap/JournalService', action: 'http://nordlys.no/journal/HentJournal' },
  soap12: { product: 'Fjord EPJ', soapVersion: '1.2', path: '/ws/epj', action: 'urn:fjord-epj:journal:HentJournal' },
};
