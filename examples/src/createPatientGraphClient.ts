import { Client, fetchExchange } from '@urql/core';
import { cacheExchange, type KeyGenerator, type KeyingConfig } from '@urql/exchange-graphcache';
import type { PatientHeaderQuery, PatientSummaryQuery } from './gql/graphql';

export interface PatientGraphClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** The bearer token for a request; asked before each one, so it may renew (devToken.ts). */
  token: () => string | Promise<string>;
  /** The fetch to send requests with; the global fetch by default. */
  fetch?: typeof fetch;
}

/** Keyed by `id` where a document asks for it, embedded in its parent where it does not. */
const byIdOrEmbedded: KeyGenerator = (data) => (typeof data.id === 'string' ? data.id : null);

/**
 * A page of a list (its connection, edges and pageInfo) belongs to the field that asked for it, arguments
 * included (`visitsConnection(first: 2)`): never an entity of its own, so always stored inside its parent.
 */
const embeddedPage: KeyGenerator = () => null;

/** Every `__typename` that can occur in an answer of type T. */
type Typenames<T> = T extends readonly (infer Item)[]
  ? Typenames<Item>
  : T extends object
    ? (T extends { __typename?: infer Name } ? NonNullable<Name> : never) | { [K in keyof T]-?: Typenames<T[K]> }[keyof T]
    : never;

/** The types the documents (documents.ts) select: the type checker asks for a key for each. */
type Selected = Exclude<Typenames<PatientSummaryQuery | PatientHeaderQuery>, 'Query'>;

/**
 * How the normalised cache names the records it keeps. A patient is one entity, filed under her global `id`
 * (opaque, stable, no identity number in it: the store holds no personal data in its keys), so every query
 * about her shares one record. The other types are keyed by `id` where a document selects it (interface Node)
 * and otherwise stored inside the entity that holds them; a page of a list always is. Every selected type is
 * listed (a compile error otherwise), so graphcache never has to guess; it warns when it must, and the
 * reference-client test fails then.
 */
export const keys = {
  Patient: (data) => (typeof data.id === 'string' ? data.id : null),
  HumanName: byIdOrEmbedded,
  Municipality: byIdOrEmbedded,
  GpListing: byIdOrEmbedded,
  Practitioner: byIdOrEmbedded,
  GpOffice: byIdOrEmbedded,
  SummaryRecord: byIdOrEmbedded,
  CriticalInformation: byIdOrEmbedded,
  CareRecord: byIdOrEmbedded,
  CareService: byIdOrEmbedded,
  CareVisitConnection: embeddedPage,
  CareVisitEdge: embeddedPage,
  CareVisit: byIdOrEmbedded,
  GpRecord: byIdOrEmbedded,
  ConsultationConnection: embeddedPage,
  ConsultationEdge: embeddedPage,
  Consultation: byIdOrEmbedded,
  Coding: byIdOrEmbedded,
  HospitalRecord: byIdOrEmbedded,
  Encounter: byIdOrEmbedded,
  MedicationListItem: byIdOrEmbedded,
  MedicationDiscrepancy: byIdOrEmbedded,
  Provenance: byIdOrEmbedded,
  TimelineEventConnection: embeddedPage,
  TimelineEventEdge: embeddedPage,
  TimelineEvent: byIdOrEmbedded,
  PageInfo: embeddedPage,
  SourceStatus: byIdOrEmbedded,
} satisfies Record<Selected, KeyGenerator> & KeyingConfig;

/**
 * A typed client for the patient graph with a normalised cache (urql + graphcache): a query whose fields
 * are all in the cache is answered from it, without a request.
 */
export function createPatientGraphClient(options: PatientGraphClientOptions): Client {
  const send = options.fetch ?? fetch;
  return new Client({
    url: options.url,
    exchanges: [cacheExchange({ keys }), fetchExchange],
    // POST only: a query's variables hold identity numbers, which must not travel in URLs (server and proxy
    // logs keep those). urql would otherwise send short queries as GET.
    preferGetMethod: false,
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${await options.token()}`);
      return send(input, { ...init, headers });
    },
  });
}
