/**
 * The two vendor products that speak KITH journal messages over SOAP, as the simulator serves them.
 * Kept apart from the adapter's own description on purpose: the simulator is the "real system" the
 * adapter is tested against, so it must not borrow the adapter's idea of the protocol.
 */
export type Dialect = 'soap11' | 'soap12';

export const NS = {
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  msgHead: 'http://www.kith.no/xmlstds/msghead/2006-05-24',
  journal: 'http://www.kith.no/xmlstds/journaluttrekk/2016-10-01',
  fjordWs: 'http://www.fjordepj.no/ws/epj/2015/03',
  nordlysFault: 'http://nordlys.no/journal/feil',
} as const;

export interface DialectProfile {
  product: string;
  path: string;
  contentType: string;
  envelopeNs: string;
  action: string;
  /** Prefixes this vendor writes: '' means a default namespace. */
  prefixes: { envelope: string; msgHead: string; journal: string };
}

export const PROFILES: Record<Dialect, DialectProfile> = {
  soap11: {
    product: 'Nordlys Journal',
    path: '/soap/JournalService',
    contentType: 'text/xml',
    envelopeNs: NS.soap11,
    action: 'http://nordlys.no/journal/HentJournal',
    prefixes: { envelope: 'SOAP-ENV', msgHead: 'mh', journal: 'ju' },
  },
  soap12: {
    product: 'Fjord EPJ',
    path: '/ws/epj',
    contentType: 'application/soap+xml',
    envelopeNs: NS.soap12,
    action: 'urn:fjord-epj:journal:HentJournal',
    prefixes: { envelope: 'env', msgHead: '', journal: '' },
  },
};

/** Qualifies element names with a prefix, or leaves them bare under a default namespace. */
export function qualifier(prefix: string): (name: string) => string {
  return (name) => (prefix ? `${prefix}:${name}` : name);
}

/** The xmlns attribute declaring `ns` for `prefix`. */
export function xmlns(prefix: string, ns: string): Record<string, string> {
  return { [prefix ? `@_xmlns:${prefix}` : '@_xmlns']: ns };
}
