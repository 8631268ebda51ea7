import express, { type Request, type Response } from 'express';
import type { CannedResponse, SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { NS, PROFILES, type Dialect } from './dialects';
import { soapFault } from './faults';
import { journalResponse, type Patient } from './journal';
import { envelopeNamespace, readRequest } from './request';

/**
 * GP record systems that answer KITH HENT_JOURNAL requests over SOAP. One definition, two products, picked
 * by the instance's `dialect` option:
 * - soap11, "Nordlys Journal": `POST /soap/JournalService`, `text/xml` with a `SOAPAction` header, one
 *   MsgHead answering the whole batch, dates as `V` attributes;
 * - soap12, "Fjord EPJ": `POST /ws/epj`, `application/soap+xml; action=...`, a MsgHeadList with one MsgHead
 *   per patient, dates as compact element text.
 * An instance holds the journals of the GP offices that organisations.json places on it. There is no HTTP
 * authentication: the products answer only the communication partner (sender HER-id) they are set up
 * for, which stands in for the signed ebXML/partner agreement of the real message exchange.
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

function createApp({ instance, orgs, population }: SimulatorContext): express.Express {
  const dialect = dialectOf(instance.options, instance.id);
  const profile = PROFILES[dialect];
  const partnerHerId = String(instance.options.senderHerId ?? '');
  const offices = new Set(orgs.gpOffices.filter((o) => o.instance === instance.id).map((o) => o.herId));
  const fault = (kind: Parameters<typeof soapFault>[1], reason: string, code: string) => soapFault(dialect, kind, reason, code);

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
    const read = readRequest(xml);
    if (!read.ok) {
      send(res, fault('Client', read.reason, read.code));
      return;
    }
    const { request } = read;
    // The partner check: only the configured sender HER-id may read journals from this system.
    if (!partnerHerId || request.senderHerId !== partnerHerId) {
      send(res, fault('Client', 'Avsender er ikke en kjent kommunikasjonspart', 'E201'));
      return;
    }
    if (request.receiverId !== instance.id) {
      send(res, fault('Client', 'Meldingen er adressert til en annen tjeneste', 'E202'));
      return;
    }
    if (request.patients.length > MAX_PATIENTS) {
      send(res, fault('Client', `Maks ${MAX_PATIENTS} pasienter per forespørsel`, 'E103'));
      return;
    }
    const seen = new Set<string>();
    const patients: Patient[] = [];
    for (const { nin, officeHerId } of request.patients) {
      if (seen.has(nin)) continue;
      seen.add(nin);
      const person = population.byNin.get(nin);
      const record = person?.gpRecord;
      // An office answers only for its own listed patients, and only offices on this instance answer.
      if (!person || !record || !offices.has(officeHerId) || record.officeHerId !== officeHerId) continue;
      patients.push({ person, record });
    }
    const body = journalResponse(dialect, { serviceId: instance.id, requesterHerId: request.senderHerId, requestMsgId: request.msgId }, patients);
    res.status(200).type(`${profile.contentType}; charset=utf-8`).send(body);
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
  // Well-formed SOAP, but the MsgHead has no MsgInfo and its journal names no patient.
  invalid: {
    status: 200,
    contentType: 'text/xml; charset=utf-8',
    body: [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${NS.soap11}"><SOAP-ENV:Body>`,
      `<mh:MsgHead xmlns:mh="${NS.msgHead}"><mh:Document><mh:RefDoc><mh:MsgType V="XML"/><mh:Content>`,
      `<ju:Journal xmlns:ju="${NS.journal}"><ju:Consultation><ju:Id>kons-1</ju:Id></ju:Consultation></ju:Journal>`,
      '</mh:Content></mh:RefDoc></mh:Document></mh:MsgHead>',
      '</SOAP-ENV:Body></SOAP-ENV:Envelope>',
    ].join(''),
  },
};
