import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { careDirectory, careRecordFor } from '../kit/careRecordFor';
import { tjenestemottaker } from './tjenestemottaker';
import { melding, MESSAGE_PATH, takeMelding } from './meldinger';
import { messagesOf, type MessagingSystem } from '../kit/messaging';

/**
 * Municipal care system, vendor REST/JSON export (the Bergen and Askøy instances). Modelled on the export
 * APIs care vendors offer municipalities:
 * - `POST /api/v2/tjenestemottakere/sok?offset=0&limit=25` with `{ "fodselsnumre": [...] }` (numbers in
 *   the body only; the query string carries paging and nothing else);
 * - `X-Api-Key` header, 401 without it;
 * - offset paging over the recipients found: `{ totaltAntall, offset, limit, treff }`, limit capped at 100;
 * - errors as `{ feilkode, melding }`;
 * - dialogue messages (issue 15): `POST /api/v2/meldinger` takes one message for one of the municipality's services and
 *   answers the vendor's receipt (simulators/care-json/meldinger.ts); each recipient in the export lists its
 *   `meldinger`.
 */
export const SEARCH_PATH = '/api/v2/tjenestemottakere/sok';
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 25;
const MAX_NUMBERS = 100;

const feil = (res: Response, status: number, feilkode: string, melding: string) => res.status(status).json({ feilkode, melding });

function requireApiKey(expected: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!expected || req.get('x-api-key') !== expected) {
      feil(res, 401, 'UAUTORISERT', 'Mangler eller ugyldig X-Api-Key');
      return;
    }
    next();
  };
}

/** A non-negative whole number from the query string, the default when absent, undefined when malformed. */
function queryInt(value: unknown, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) return undefined;
  return Number(value);
}

function createApp(context: SimulatorContext): express.Express {
  const find = careRecordFor(context);
  const directory = careDirectory(context);
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post(SEARCH_PATH, requireApiKey(String(context.instance.options.apiKey ?? '')), (req, res) => {
    const offset = queryInt(req.query.offset, 0);
    const requested = queryInt(req.query.limit, DEFAULT_LIMIT);
    if (offset === undefined || requested === undefined || requested === 0) {
      feil(res, 400, 'UGYLDIG_PAGINERING', 'offset og limit må være hele tall, limit minst 1');
      return;
    }
    const numbers: unknown = req.body?.fodselsnumre;
    if (!Array.isArray(numbers) || numbers.length === 0 || numbers.some((n) => typeof n !== 'string' || !/^\d{11}$/.test(n))) {
      feil(res, 400, 'UGYLDIG_FORESPORSEL', 'fodselsnumre må være en ikke-tom liste av 11-sifrede numre');
      return;
    }
    if (numbers.length > MAX_NUMBERS) {
      feil(res, 400, 'FOR_MANGE', `maks ${MAX_NUMBERS} fødselsnumre per søk`);
      return;
    }
    // The vendor silently caps the page size rather than refusing; clients must page by what they got.
    const limit = Math.min(requested, MAX_LIMIT);
    const found = [...new Set(numbers as string[])].flatMap((nin) => {
      const person = find(nin);
      return person ? [{ nin, record: person.careRecord }] : [];
    });
    res.json({
      totaltAntall: found.length,
      offset,
      limit,
      treff: found.slice(offset, offset + limit).map((f) => ({ ...tjenestemottaker(f.nin, f.record, directory), meldinger: messagesOf(context, f.nin).map(melding) })),
    });
  });
  // One dialogue message for a care service of the municipality, answered by the vendor's receipt.
  const messaging: MessagingSystem = { service: 'MUNICIPAL_CARE', holds: (nin) => find(nin) !== undefined };
  app.post(MESSAGE_PATH, requireApiKey(String(context.instance.options.apiKey ?? '')), (req, res) => {
    const taken = takeMelding(context, messaging, req.body);
    if (!taken) {
      feil(res, 400, 'UGYLDIG_FORESPORSEL', 'meldingId og avsender.herId må være med');
      return;
    }
    res.status(taken.status).json(taken.body);
  });
  app.use((_req, res) => {
    feil(res, 404, 'IKKE_FUNNET', 'Ukjent ressurs');
  });
  // A body that is not JSON: the export answers in its own error format, not express's HTML page.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    feil(res, 400, 'UGYLDIG_FORESPORSEL', 'Forespørselen kunne ikke leses');
  });
  return app;
}

export const careJsonSimulator: SimulatorDefinition = {
  system: 'care-json',
  createApp,
  failure: { status: 500, contentType: 'application/json', body: JSON.stringify({ feilkode: 'INTERN_FEIL', melding: 'Intern feil i fagsystemet' }) },
  // Well-formed JSON, but the recipient has no fodselsnummer and its dates are ISO instead of dd.mm.yyyy.
  invalid: {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      totaltAntall: 1,
      offset: 0,
      limit: 25,
      treff: [{ vedtak: [{ vedtakId: 'v1', tjenestekode: 'HSPL', tjenestetype: 'Hjemmesykepleie', vedtaksdato: '2026-03-01', fraDato: '2026-03-01', tilDato: '', timerPerUke: 4, enhet: '' }] }],
    }),
  },
};
