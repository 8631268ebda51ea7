import express, { type Request, type Response } from 'express';
import type { CannedResponse, SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { NS, PROFILES, qualifier, xmlns, type Dialect } from './dialects';
import { soapFault } from './faults';
import { Outbox } from '../kit/appRec';
import { journalResponse, type Avvist, type Office, type Svar } from './journal';
import { envelopeNamespace, readMessage, readReceipts, readRequest } from './request';
import { buildXml } from '../kit/xml';
import { takeKithMessage } from '../kit/dialogMessage';
import { messagesOf, type MessagingSystem } from '../kit/messaging';

/**
 * GP record systems that answer KITH dialogue messages over SOAP: a batch of DIALOG_FORESPORSEL messages
 * in, one DIALOG_SVAR per request out, each MsgHead about one patient and addressed by HER-id from the
 * asking party to the patient's GP office. One definition, two products, picked by the instance's
 * `dialect` option:
 * - soap11, "Nordlys Journal": `POST /soap/JournalService`, `text/xml` with a `SOAPAction` header, the batch in
 *   `nl:HentJournal`/`nl:HentJournalResponse`, prefixed names, journal extract 2019-06-01;
 * - soap12, "Fjord EPJ": `POST /ws/epj`, `application/soap+xml; action=...`, the batch in a `MsgHeadList`,
 *   default namespaces, journal extract 2016-10-01 (compact dates).
 * An instance hosts the GP offices that organisations.json places on it; a message to any other office is
 * not its to answer. There is no HTTP authentication: the products answer only the communication partner
 * (sender HER-id) they are set up for, which stands in for the signed ebXML/partner agreement of real
 * message exchange.
 * Application receipts (AppRec 1.0) both ways: a request the system cannot take (another message type, a broken
 * schema, a code outside Dialogmelding 1.0's lists, an office it does not host) is answered by an AppRec with status 2
 * Avvist and an error of Volven 8221 instead of a DIALOG_SVAR, the rest of the batch answered as usual; the caller's
 * AppRecs for the answers go to each product's receipt operation (Nordlys `POST /soap/KvitteringService`, Fjord
 * `POST /ws/apprec`) and are counted in the stats (`observed`). A call the system cannot read as messages at all
 * (not XML, a message without id or HER-ids, too many, a stranger) is refused whole with the product's own fault code.
 *
 * Dialogue messages between services (issue 15): each product takes one Dialogmelding 1.0 message (a question, an
 * answer or a note) for one of its offices on an operation of its own (Nordlys `POST /soap/MeldingService`, SOAP action
 * SendMelding, the MsgHead in `nl:SendMelding`, answered by `nl:SendMeldingResponse` holding the office's AppRec;
 * Fjord `POST /ws/dialog`, action `urn:fjord-epj:dialog:SendMessage`, one MsgHead in a `MsgHeadList`, answered by an
 * `AppRecList` holding the AppRec), from any service the address register lists (simulators/kit/dialogMessage.ts:
 * status 1 OK, or 2 Avvist with E21 for an office it does not host, E35 for a patient not listed at the office, X99
 * for a sender the register does not list, T02/T10/T99 for a message it cannot take). A message id is taken once; a
 * question is answered by the office's GP after the instance's `answerDelayMs`; the journal extract carries the
 * messages the office sent or received about the patient.
 */
export const MAX_PATIENTS = 100;

function dialectOf(options: Record<string, unknown>, instanceId: string): Dialect {
  const dialect = options.dialect;
  if (dialect !== 'soap11' && dialect !== 'soap12') throw new Error(`instance ${instanceId}: option dialect must be soap11 or soap12`);
  return dialect;
}

/** The SOAP action the caller sent: the SOAPAction header (1.1) or the content type's action parameter (1.2). */
function actionOf(dialect: Dialect, req: Request): string | null {
  if (dialect === 'soap11') return req.get('soapaction')?.replace(/^"|"$/g, '') ?? null;
  return /;\s*action\s*=\s*"?([^";]+)"?/i.exec(req.get('content-type') ?? '')?.[1] ?? null;
}

function send(res: Response, answer: CannedResponse): void {
  res.status(answer.status).type(answer.contentType).send(answer.body);
}

function createApp(context: SimulatorContext): express.Express {
  const { instance, orgs, population, observe } = context;
  const dialect = dialectOf(instance.options, instance.id);
  const profile = PROFILES[dialect];
  const partnerHerId = String(instance.options.senderHerId ?? '');
  const offices = new Map<string, Office>(
    orgs.gpOffices.filter((o) => o.instance === instance.id).map((o) => [o.herId, { herId: o.herId, orgNumber: o.orgNumber, name: o.name }]),
  );
  const fault = (kind: Parameters<typeof soapFault>[1], reason: string, code: string) => soapFault(dialect, kind, reason, code);
  // The answers sent, so that the receipts for them can be checked.
  const outbox = new Outbox();

  // Offices take messages about the patients listed with them.
  const messaging: MessagingSystem = { service: 'GP_OFFICE', holds: (nin, herId) => population.byNin.get(nin)?.gpRecord?.officeHerId === herId };

  const app = express();
  app.use(express.text({ type: [profile.contentType], limit: '2mb' }));
  app.post(profile.path, (req, res) => {
    if (!req.is(profile.contentType)) {
      res.status(415).type('text/plain').send(`${profile.product} expects Content-Type ${profile.contentType}`);
      return;
    }
    if (actionOf(dialect, req) !== profile.action) {
      send(res, fault('Client', `Ukjent eller manglende SOAP-action; forventet ${profile.action}`, 'E001'));
      return;
    }
    const xml = typeof req.body === 'string' ? req.body : '';
    const ns = envelopeNamespace(xml);
    if (ns && ns !== profile.envelopeNs && (ns === NS.soap11 || ns === NS.soap12)) {
      send(res, fault('VersionMismatch', `${profile.product} snakker bare SOAP ${dialect === 'soap11' ? '1.1' : '1.2'}`, 'E002'));
      return;
    }
    const read = readRequest(xml, profile.batch.request);
    if (!read.ok) {
      send(res, fault('Client', read.reason, read.code));
      return;
    }
    const { messages } = read;
    if (messages.length > MAX_PATIENTS) {
      send(res, fault('Client', `Maks ${MAX_PATIENTS} meldinger per kall`, 'E103'));
      return;
    }
    // The partner check: only the configured sender HER-id may ask this system anything (the partner agreement
    // stands in for the transport's; a stranger's call is refused whole, as a transport would).
    if (!partnerHerId || messages.some((m) => m.original.sender.herId !== partnerHerId)) {
      send(res, fault('Client', 'Avsender er ikke en kjent kommunikasjonspart', 'E201'));
      return;
    }
    const answers: (Svar | Avvist)[] = messages.map((message) => {
      // A message this system cannot take is refused by application receipt, from the office it was addressed to.
      if (!message.ok) return { ...message, from: message.original.receiver };
      const { request, original } = message;
      const office = offices.get(request.receiverHerId);
      // A message to an office this system does not host would have been routed elsewhere: E21 Mottaker finnes ikke.
      if (!office) return { original, error: 'E21' as const, text: 'Legekontoret er ikke på denne tjenesten', from: original.receiver };
      const person = population.byNin.get(request.nin);
      // An office answers with the journals of its own patients only: listed there today, or before they changed GP
      // (the record stays with the office, as it stood when the listing ended).
      const record = person?.gpRecord?.officeHerId === office.herId ? person.gpRecord : person?.earlierGpRecords?.find((r) => r.officeHerId === office.herId);
      const found = person && record ? { person, record, messages: messagesOf(context, person.nin, new Set([office.herId])) } : null;
      return { office, request, found };
    });
    res
      .status(200)
      .type(`${profile.contentType}; charset=utf-8`)
      .send(journalResponse(dialect, answers, new Date(), (m) => outbox.record(m)));
  });
  // One dialogue message for an office, answered by its application receipt (the same receipt for the same message).
  app.post(profile.messages.path, (req, res) => {
    if (!req.is(profile.contentType)) {
      res.status(415).type('text/plain').send(`${profile.product} expects Content-Type ${profile.contentType}`);
      return;
    }
    if (actionOf(dialect, req) !== profile.messages.action) {
      send(res, fault('Client', `Ukjent eller manglende SOAP-action; forventet ${profile.messages.action}`, 'E001'));
      return;
    }
    const read = readMessage(typeof req.body === 'string' ? req.body : '', profile.messages.request);
    if (!read.ok) {
      send(res, fault('Client', read.reason, read.code));
      return;
    }
    const ar = qualifier(profile.prefixes.appRec);
    const appRec = takeKithMessage(context, messaging, read.msgHead, ar);
    if (!appRec) {
      send(res, fault('Client', 'Meldingen kan ikke kvitteres: den mangler MsgId, type, tidspunkt eller HER-id', 'E102'));
      return;
    }
    const e = qualifier(profile.prefixes.envelope);
    const b = qualifier(profile.prefixes.batch);
    const body = {
      [b(profile.messages.response)]: {
        ...xmlns(profile.prefixes.batch, profile.batch.ns),
        ...(profile.prefixes.appRec ? xmlns(profile.prefixes.appRec, NS.appRec) : {}),
        [ar('AppRec')]: { ...(profile.prefixes.appRec ? {} : xmlns('', NS.appRec)), ...appRec },
      },
    };
    res
      .status(200)
      .type(`${profile.contentType}; charset=utf-8`)
      .send(buildXml({ [e('Envelope')]: { ...xmlns(profile.prefixes.envelope, profile.envelopeNs), [e('Body')]: body } }));
  });
  // The caller's application receipts for the answers: a one-way operation (HTTP 202, no body), each receipt counted
  // by its status and error in the instance's stats, or as unmatched when it names no answer this system sent.
  app.post(profile.receipts.path, (req, res) => {
    if (!req.is(profile.contentType)) {
      res.status(415).type('text/plain').send(`${profile.product} expects Content-Type ${profile.contentType}`);
      return;
    }
    if (actionOf(dialect, req) !== profile.receipts.action) {
      send(res, fault('Client', `Ukjent eller manglende SOAP-action; forventet ${profile.receipts.action}`, 'E001'));
      return;
    }
    const receipts = readReceipts(typeof req.body === 'string' ? req.body : '', profile.receipts.element);
    if (!receipts) {
      send(res, fault('Client', 'Kvitteringen er ikke en gyldig applikasjonskvittering (AppRec 1.0)', 'E110'));
      return;
    }
    for (const receipt of receipts) observe(outbox.take(receipt));
    res.status(202).end();
  });
  // Anything else is not a service endpoint: the products answer a plain 404.
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  return app;
}

export const gpKithSimulator: SimulatorDefinition = {
  system: 'gp-kith',
  createApp,
  // The definition is per system, so the server error is Nordlys's SOAP 1.1 form; the adapter reads both.
  failure: soapFault('soap11', 'Server', 'Intern feil i journalsystemet: databasen svarer ikke', 'E900'),
  // Well-formed SOAP, but the answer's MsgHead has no MsgInfo and refers to no request.
  invalid: {
    status: 200,
    contentType: 'text/xml; charset=utf-8',
    body: [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${NS.soap11}"><SOAP-ENV:Body><nl:HentJournalResponse xmlns:nl="${NS.nordlysWs}">`,
      `<mh:MsgHead xmlns:mh="${NS.msgHead}"><mh:Document><mh:RefDoc><mh:MsgType V="XML"/><mh:Content>`,
      `<Dialogmelding xmlns="${NS.dialog}"><Notat><TemaKodet V="3" S="2.16.578.1.12.4.1.1.9069" DN="Har ikke ønskede opplysninger"/></Notat></Dialogmelding>`,
      '</mh:Content></mh:RefDoc></mh:Document></mh:MsgHead>',
      '</nl:HentJournalResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>',
    ].join(''),
  },
};
