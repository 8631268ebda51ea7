import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { BadResponseError } from '../../adapters/kit/errors';
import { parseXml } from '../../adapters/kit/xml';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { careRecordFor } from '../care-json/careRecordFor';
import { feilmelding, helseopplysninger, msgInfo, pasientBlock, PLO_NS, type Party } from './helseopplysninger';

/**
 * Municipal care system speaking PLO-style XML (the Trondheim instance): plain XML over HTTP POST, no
 * SOAP. `POST /plo/helseopplysninger` takes a `ForesporselHelseopplysninger` message addressed by HER-id
 * (sender must be the configured communication partner, receiver this system) listing patients by
 * identity number, and answers a `Helseopplysninger` message with one `Pasient` block per recipient it
 * holds. Bad requests get 400 (403 for an unknown sender) with a `Feilmelding`.
 */
export const PLO_PATH = '/plo/helseopplysninger';
const MAX_PATIENTS = 100;

type Xml = Record<string, unknown>;
const obj = (v: unknown): Xml | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Xml) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const herIdOf = (party: unknown) => str(obj(obj(obj(party)?.Organisation)?.Ident)?.Id);

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly kode: string,
    message: string,
  ) {
    super(message);
  }
}

interface Foresporsel {
  msgId: string;
  patients: string[];
}

function readRequest(body: unknown, partner: string, self: string): Foresporsel {
  if (typeof body !== 'string') throw new RequestError(400, 'UGYLDIG_MELDING', 'Meldingen må sendes som application/xml');
  let doc: Xml;
  try {
    doc = parseXml(body, ['Pasient']);
  } catch (error) {
    if (error instanceof BadResponseError) throw new RequestError(400, 'UGYLDIG_MELDING', 'Meldingen er ikke velformet XML');
    throw error;
  }
  const root = obj(doc.ForesporselHelseopplysninger);
  const info = obj(root?.MsgInfo);
  const msgId = str(info?.MsgId);
  if (!root || !info || !msgId) throw new RequestError(400, 'UGYLDIG_MELDING', 'Forventet ForesporselHelseopplysninger med MsgInfo og MsgId');
  const sender = herIdOf(info.Sender);
  if (!sender) throw new RequestError(400, 'UGYLDIG_MELDING', 'Avsender mangler HER-id');
  // Only registered communication partners may ask; anyone else is refused before the patients are read.
  if (sender !== partner) throw new RequestError(403, 'UKJENT_AVSENDER', 'Avsender er ikke en kjent kommunikasjonspart');
  if (herIdOf(info.Receiver) !== self) throw new RequestError(400, 'FEIL_MOTTAKER', 'Meldingen er ikke adressert til denne mottakeren');
  const pasienter = Array.isArray(root.Pasient) ? root.Pasient : [];
  if (pasienter.length === 0) throw new RequestError(400, 'UGYLDIG_MELDING', 'Forespørselen må liste minst én pasient');
  if (pasienter.length > MAX_PATIENTS) throw new RequestError(400, 'FOR_MANGE', `Maks ${MAX_PATIENTS} pasienter per forespørsel`);
  const patients = pasienter.map((p) => {
    const ident = obj(obj(p)?.Ident);
    const id = str(ident?.Id);
    const type = obj(ident?.TypeId)?.['@_V'];
    if (!id || !/^\d{11}$/.test(id) || (type !== 'FNR' && type !== 'DNR')) {
      throw new RequestError(400, 'UGYLDIG_MELDING', 'Hver Pasient må ha Ident med Id (11 siffer) og TypeId FNR eller DNR');
    }
    return id;
  });
  return { msgId, patients };
}

function createApp(context: SimulatorContext): express.Express {
  const { instance, orgs } = context;
  const find = careRecordFor(context);
  const served = orgs.municipalities.filter((m) => m.careInstance === instance.id);
  const municipalityName = new Map(orgs.municipalities.map((m) => [m.number, m.name]));
  const self: Party = { name: `${served[0]?.name ?? 'Ukjent'} kommune, helse og velferd`, herId: String(instance.options.receiverHerId ?? '') };
  const partner: Party = { name: 'patient-graph', herId: String(instance.options.senderHerId ?? '') };

  const app = express();
  app.use(express.text({ type: ['application/xml', 'text/xml'], limit: '1mb' }));
  app.post(PLO_PATH, (req: Request, res: Response) => {
    let request: Foresporsel;
    try {
      request = readRequest(req.body, partner.herId, self.herId);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      res.status(error.status).type('application/xml').send(feilmelding(error.kode, error.message));
      return;
    }
    const blocks = [...new Set(request.patients)].flatMap((nin) => {
      const person = find(nin);
      return person ? [pasientBlock(person, person.careRecord, municipalityName.get(person.careRecord.municipality) ?? '')] : [];
    });
    const info = msgInfo({ V: 'HELSEOPPL', DN: 'Helseopplysninger' }, randomUUID(), self, partner, request.msgId);
    res.status(200).type('application/xml').send(helseopplysninger(info, blocks));
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).type('application/xml').send(feilmelding('UKJENT_TJENESTE', 'Ukjent tjeneste'));
  });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(400).type('application/xml').send(feilmelding('UGYLDIG_MELDING', 'Meldingen kunne ikke leses'));
  });
  return app;
}

export const carePloSimulator: SimulatorDefinition = {
  system: 'care-plo',
  createApp,
  failure: { status: 500, contentType: 'application/xml', body: feilmelding('INTERN_FEIL', 'Intern feil i fagsystemet') },
  // Well-formed and in the right namespace, but the Pasient has no Ident and the service no FraDato.
  invalid: {
    status: 200,
    contentType: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?>
<Helseopplysninger xmlns="${PLO_NS}">
  <MsgInfo><Type V="HELSEOPPL" DN="Helseopplysninger"/><MsgId>00000000-0000-0000-0000-000000000000</MsgId></MsgInfo>
  <Pasient>
    <Tjeneste><TjenesteId>v1</TjenesteId><Type V="1" DN="Hjemmesykepleie"/></Tjeneste>
  </Pasient>
</Helseopplysninger>`,
  },
};
