import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { careDirectory, careRecordFor } from '../kit/careRecordFor';
import { NS } from './helseopplysninger';
import { Outbox, type Refusal } from '../kit/appRec';
import { feilmelding, meldingListe, type Party, type Svar } from './messages';
import { readReceipts, readRequest } from './request';
import { APPREC_NS as AR_NS } from '../kit/appRec';
import { takeKithMessage } from '../kit/dialogMessage';
import { messagesOf, type MessagingSystem } from '../kit/messaging';
import { buildXml, parseXml } from '../kit/xml';

/**
 * Municipal care system speaking PLO (the Trondheim instance): KITH messages as plain XML over HTTP POST, no
 * SOAP. `POST /plo/helseopplysninger` takes a MeldingListe (the product's own batch element) of DIALOG_FORESPORSEL
 * MsgHeads, one per patient, each from the configured communication partner's HER-id to this service's HER-id,
 * and answers a MeldingListe with one MsgHead per request: HELSEOPPLYSNINGER_LEGE (PLO v1.6 Helseopplysninger
 * til lege, the care record extract attached) for a patient it holds, DIALOG_SVAR for one it does not, and an
 * application receipt (AppRec 1.0, status 2 Avvist, an error of Volven 8221) for a request it cannot take (another
 * message type, a broken schema, a code outside Dialogmelding 1.0's lists, another receiver than itself).
 * `POST /plo/applikasjonskvittering` takes the caller's AppRecs for the answers (a KvitteringListe), counted in the
 * stats (`observed`). A call it cannot read as messages gets 400 (403 for an unknown sender) with a Feilmelding.
 *
 * Dialogue messages between services (issue 15; PLO's "Forespørsel" and "Svar på forespørsel", and notes, are
 * Dialogmelding 1.0 in MsgHead): `POST /plo/dialogmelding` takes one MsgHead (the document itself, application/xml) for
 * one of the municipality's care services and answers its application receipt (an AppRec document) at once: status 1
 * OK, or 2 Avvist with E21 for a service it does not host, E35 for a patient without a care record in the
 * municipality, X99 for a sender the address register does not list, T02/T10/T99 for a message it cannot take
 * (simulators/kit/dialogMessage.ts). A message id is taken once; a question is answered by the service after the
 * instance's `answerDelayMs`; the care record extract carries the messages the services sent or received.
 */
export const MESSAGE_PATH = '/plo/dialogmelding';
export const PLO_PATH = '/plo/helseopplysninger';
/** Where the caller's application receipts (AppRec 1.0) for the answers go: a KvitteringListe of AppRecs. */
export const APPREC_PATH = '/plo/applikasjonskvittering';
export const MAX_PATIENTS = 100;

function createApp(context: SimulatorContext): express.Express {
  const { instance, orgs, observe } = context;
  // The answers sent, so that the receipts for them can be checked.
  const outbox = new Outbox();
  const find = careRecordFor(context);
  const directory = careDirectory(context);
  const served = orgs.municipalities.filter((m) => m.careInstance === instance.id);
  const municipalityName = new Map(orgs.municipalities.map((m) => [m.number, m.name]));
  const self: Party = { name: `${served[0]?.name ?? 'Ukjent'} kommune, helse og velferd`, herId: String(instance.options.receiverHerId ?? ''), orgNumber: served[0]?.orgNumber };
  const partnerHerId = String(instance.options.senderHerId ?? '');
  const refuse = (res: Response, status: number, kode: string, reason: string) => {
    res.status(status).type('application/xml').send(feilmelding(kode, reason));
  };

  const app = express();
  app.use(express.text({ type: ['application/xml', 'text/xml'], limit: '2mb' }));
  app.post(PLO_PATH, (req: Request, res: Response) => {
    const read = readRequest(req.body);
    if (!read.ok) {
      refuse(res, 400, read.kode, read.reason);
      return;
    }
    const { messages } = read;
    if (messages.length > MAX_PATIENTS) {
      refuse(res, 400, 'FOR_MANGE', `Maks ${MAX_PATIENTS} meldinger per kall`);
      return;
    }
    // Only the registered communication partner may ask; anyone else is refused before the patients are read (the
    // partner agreement stands in for the transport's: a stranger's call is refused whole).
    if (!partnerHerId || messages.some((m) => m.original.sender.herId !== partnerHerId)) {
      refuse(res, 403, 'UKJENT_AVSENDER', 'Avsender er ikke en kjent kommunikasjonspart');
      return;
    }
    const answers: (Svar | Refusal)[] = messages.map((message) => {
      // A message this service cannot take is refused by application receipt.
      if (!message.ok) return message;
      const { request, original } = message;
      // Addressed to another HER-id than this service's: E21 Mottaker finnes ikke.
      if (request.receiverHerId !== self.herId) return { original, error: 'E21' as const, text: 'Meldingen er ikke adressert til denne tjenesten' };
      const person = find(request.nin);
      return {
        request,
        found: person ? { person, record: person.careRecord, municipalityName: municipalityName.get(person.careRecord.municipality) ?? '', messages: messagesOf(context, person.nin), directory } : null,
      };
    });
    res.status(200).type('application/xml').send(meldingListe(self, answers, new Date(), (m) => outbox.record(m)));
  });
  // One dialogue message for a care service, answered by its application receipt (the same receipt for the same message).
  const messaging: MessagingSystem = { service: 'MUNICIPAL_CARE', holds: (nin) => find(nin) !== undefined };
  app.post(MESSAGE_PATH, (req: Request, res: Response) => {
    let msgHead: unknown;
    try {
      msgHead = typeof req.body === 'string' ? parseXml(req.body).MsgHead : undefined;
    } catch {
      msgHead = undefined;
    }
    if (!msgHead || typeof msgHead !== 'object') {
      refuse(res, 400, 'UGYLDIG_MELDING', 'Meldingen må være én MsgHead (application/xml)');
      return;
    }
    const appRec = takeKithMessage(context, messaging, msgHead, (n) => n);
    if (!appRec) {
      refuse(res, 400, 'UGYLDIG_MELDING', 'Meldingen kan ikke kvitteres: den mangler MsgId, type, tidspunkt eller HER-id');
      return;
    }
    res.status(200).type('application/xml').send(buildXml({ AppRec: { '@_xmlns': AR_NS, ...appRec } }));
  });
  // The caller's application receipts for the answers (HTTP 202, no body), each counted by its status and error in
  // the instance's stats, or as unmatched when it names no answer this service sent.
  app.post(APPREC_PATH, (req: Request, res: Response) => {
    const receipts = readReceipts(req.body);
    if (!receipts) {
      refuse(res, 400, 'UGYLDIG_KVITTERING', 'Kvitteringen er ikke en gyldig applikasjonskvittering (AppRec 1.0)');
      return;
    }
    for (const receipt of receipts) observe(outbox.take(receipt));
    res.status(202).end();
  });
  app.use((_req: Request, res: Response) => {
    refuse(res, 404, 'UKJENT_TJENESTE', 'Ukjent tjeneste');
  });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    refuse(res, 400, 'UGYLDIG_MELDING', 'Meldingen kunne ikke leses');
  });
  return app;
}

export const carePloSimulator: SimulatorDefinition = {
  system: 'care-plo',
  createApp,
  failure: { status: 500, contentType: 'application/xml', body: feilmelding('INTERN_FEIL', 'Intern feil i fagsystemet') },
  // Well-formed and in the right namespaces, but the MsgHead names no patient, refers to no request and its
  // extract's service has no FraDato.
  invalid: {
    status: 200,
    contentType: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?>
<op:MeldingListe xmlns:op="${NS.vendor}" xmlns:mh="${NS.msgHead}">
  <mh:MsgHead>
    <mh:MsgInfo><mh:Type V="HELSEOPPLYSNINGER_LEGE" DN="Helseopplysninger til lege"/><mh:MsgId>00000000-0000-0000-0000-000000000000</mh:MsgId></mh:MsgInfo>
    <mh:Document><mh:RefDoc><mh:MsgType V="XML"/><mh:Content>
      <Omsorgsuttrekk xmlns="${NS.extract}"><Tjeneste><TjenesteId>v1</TjenesteId><Type V="15" DN="Helsetjenester i hjemmet"/></Tjeneste></Omsorgsuttrekk>
    </mh:Content></mh:RefDoc></mh:Document>
  </mh:MsgHead>
</op:MeldingListe>`,
  },
};
