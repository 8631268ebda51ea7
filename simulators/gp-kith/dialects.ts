/**
 * The two vendor products that answer KITH dialogue messages over SOAP, as the simulator serves them.
 * Kept apart from the adapter's own description on purpose: the simulator is the "real system" the
 * adapter is tested against, so it must not borrow the adapter's idea of the protocol.
 */
export type Dialect = 'soap11' | 'soap12';

export const NS = {
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  msgHead: 'http://www.kith.no/xmlstds/msghead/2006-05-24',
  dialog: 'http://www.kith.no/xmlstds/dialog/2006-10-11',
  appRec: 'http://www.kith.no/xmlstds/apprec/2004-11-21',
  nordlysWs: 'http://nordlys.no/journal/2019/06',
  fjordWs: 'http://www.fjordepj.no/ws/epj/2015/03',
  nordlysFault: 'http://nordlys.no/journal/feil',
} as const;

/** The journal extract the project defines (schemas/journal), in the version each product sends. */
export const JOURNAL_NS = {
  /** Dates as KITH TS V attributes. */
  v2019: 'http://patient-graph.example/xmlstds/journaluttrekk/2019-06-01',
  /** Dates as compact element text (yyyyMMdd, yyyyMMddHHmm). */
  v2016: 'http://patient-graph.example/xmlstds/journaluttrekk/2016-10-01',
} as const;

export interface DialectProfile {
  product: string;
  path: string;
  contentType: string;
  envelopeNs: string;
  action: string;
  /** The element in the SOAP Body that carries the batch of MsgHeads, in the request and the answer. */
  batch: { ns: string; request: string; response: string };
  journalNs: string;
  /**
   * The one-way operation, on an endpoint of its own, that takes the caller's application receipts (AppRec 1.0) for
   * the answers: its path, SOAP action and the element (in the batch namespace) around the AppRecs.
   */
  receipts: { path: string; action: string; element: string };
  /**
   * The operation, on an endpoint of its own, that takes one dialogue message (Dialogmelding 1.0 in a MsgHead) for
   * an office and answers the office's application receipt at once: its path, SOAP action, and the elements (in the
   * batch namespace) around the MsgHead and around the AppRec.
   */
  messages: { path: string; action: string; request: string; response: string };
  /** Prefixes this vendor writes: '' means a default namespace. */
  prefixes: { envelope: string; batch: string; msgHead: string; dialog: string; journal: string; appRec: string };
}

export const PROFILES: Record<Dialect, DialectProfile> = {
  soap11: {
    product: 'Nordlys Journal',
    path: '/soap/JournalService',
    contentType: 'text/xml',
    envelopeNs: NS.soap11,
    action: 'http://nordlys.no/journal/HentJournal',
    batch: { ns: NS.nordlysWs, request: 'HentJournal', response: 'HentJournalResponse' },
    journalNs: JOURNAL_NS.v2019,
    receipts: { path: '/soap/KvitteringService', action: 'http://nordlys.no/journal/SendApplikasjonskvittering', element: 'SendApplikasjonskvittering' },
    messages: { path: '/soap/MeldingService', action: 'http://nordlys.no/journal/SendMelding', request: 'SendMelding', response: 'SendMeldingResponse' },
    prefixes: { envelope: 'SOAP-ENV', batch: 'nl', msgHead: 'mh', dialog: 'dia', journal: 'ju', appRec: 'ar' },
  },
  soap12: {
    product: 'Fjord EPJ',
    path: '/ws/epj',
    contentType: 'application/soap+xml',
    envelopeNs: NS.soap12,
    action: 'urn:fjord-epj:journal:HentJournal',
    batch: { ns: NS.fjordWs, request: 'MsgHeadList', response: 'MsgHeadList' },
    journalNs: JOURNAL_NS.v2016,
    receipts: { path: '/ws/apprec', action: 'urn:fjord-epj:journal:SendAppRec', element: 'AppRecList' },
    messages: { path: '/ws/dialog', action: 'urn:fjord-epj:dialog:SendMessage', request: 'MsgHeadList', response: 'AppRecList' },
    prefixes: { envelope: 'env', batch: '', msgHead: '', dialog: '', journal: '', appRec: '' },
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
