import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { summaryDocument } from './projection';

export { summaryDocument } from './projection';

/**
 * National summary care record (Kjernejournal) simulator. Two steps, both POST with JSON bodies:
 * 1. `POST /kj/api/v1/tickets` `{ patients: [nin, …] }` issues one opaque ticket per patient, bound to
 *    that patient and valid for ten minutes; the answer names patients by their index in the request,
 *    never by number, and says `PATIENT_NOT_FOUND` for numbers it does not know.
 * 2. `POST /kj/api/v1/summaries` `{ tickets: [t, …] }` answers each ticket with the patient's critical
 *    information (allergies as FHIR AllergyIntolerance, implants as FHIR Device, each referring to the
 *    record's own id for the patient; other kinds as the record's own elements) and dispensed medicines, or
 *    `TICKET_EXPIRED` / `TICKET_UNKNOWN`.
 * Every call needs `X-Api-Key` (401) and the consumer's purpose of use in `X-KJ-Purpose` (400). A ticket
 * is bound to the purpose it was issued under as well as to its patient: presented under another purpose
 * it is `TICKET_UNKNOWN`. Every answer says `Cache-Control: no-cache, private`: the record must not be
 * kept by intermediaries. Each request's purpose is counted in the instance's stats (`purpose:<CODE>`).
 */

export const TICKETS_PATH = '/kj/api/v1/tickets';
export const SUMMARIES_PATH = '/kj/api/v1/summaries';
export const TICKET_TTL_MS = 10 * 60_000;
export const MAX_BATCH = 50;
/**
 * The purposes of use the service takes: those of the NHN trust framework (treatment, emergency treatment,
 * coordination of care) and a citizen reading their own record.
 */
export const PURPOSES = ['TREAT', 'ETREAT', 'COC', 'PATRQT'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Expired tickets are remembered this long (answered TICKET_EXPIRED), then forgotten (TICKET_UNKNOWN). */
const EXPIRED_MEMORY_MS = 60 * 60_000;

export interface SummaryRecordSimulatorOptions {
  /** The clock, in epoch milliseconds; tests move it to expire tickets. */
  now?: () => number;
}

interface IssuedTicket {
  nin: string;
  purpose: Purpose;
  expiresAt: number;
}

function kjError(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ error, message });
}

function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set({ 'Cache-Control': 'no-cache, private', Pragma: 'no-cache' });
  next();
}

function requireConsumer(apiKey: string, observe: (label: string) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!apiKey || req.get('x-api-key') !== apiKey) {
      kjError(res, 401, 'UNAUTHORIZED', 'Mangler eller ugyldig API-nøkkel');
      return;
    }
    const purpose = req.get('x-kj-purpose');
    if (!purpose) {
      kjError(res, 400, 'PURPOSE_MISSING', 'Header X-KJ-Purpose mangler');
      return;
    }
    if (!(PURPOSES as readonly string[]).includes(purpose)) {
      kjError(res, 400, 'PURPOSE_INVALID', 'Ukjent formål i X-KJ-Purpose');
      return;
    }
    observe(`purpose:${purpose}`);
    res.locals.purpose = purpose;
    next();
  };
}

/** A list of 1..MAX_BATCH strings matching `pattern`, or a reason why not (never quoting the values). */
function stringList(value: unknown, pattern: RegExp, what: string): string[] | string {
  if (!Array.isArray(value) || value.length === 0) return `${what} må være en ikke-tom liste`;
  if (value.length > MAX_BATCH) return `maks ${MAX_BATCH} ${what} per kall`;
  if (value.some((v) => typeof v !== 'string' || !pattern.test(v))) return `${what} inneholder ugyldige verdier`;
  return value as string[];
}

function createApp({ instance, population, observe }: SimulatorContext, now: () => number): express.Express {
  // Tickets live in this process only, as in the real service: a restart invalidates them all.
  const tickets = new Map<string, IssuedTicket>();
  const forgetOld = (at: number) => {
    for (const [id, t] of tickets) if (t.expiresAt + EXPIRED_MEMORY_MS < at) tickets.delete(id);
  };

  const app = express();
  app.use(noStore);
  app.use(requireConsumer(String(instance.options.apiKey ?? ''), observe));
  app.use(express.json({ limit: '256kb' }));

  app.post(TICKETS_PATH, (req, res) => {
    const patients = stringList(req.body?.patients, /^\d{11}$/, 'patients');
    if (typeof patients === 'string') {
      kjError(res, 400, 'INVALID_REQUEST', patients);
      return;
    }
    const at = now();
    const purpose = res.locals.purpose as Purpose;
    forgetOld(at);
    const answer = patients.map((nin, patientIndex) => {
      if (!population.byNin.has(nin)) return { patientIndex, error: 'PATIENT_NOT_FOUND' };
      // Opaque and unguessable: the ticket is the only thing that later names the patient.
      const ticket = randomBytes(24).toString('base64url');
      const expiresAt = at + TICKET_TTL_MS;
      tickets.set(ticket, { nin, purpose, expiresAt });
      return { ticket, patientIndex, expiresAt: new Date(expiresAt).toISOString() };
    });
    res.json({ tickets: answer });
  });

  app.post(SUMMARIES_PATH, (req, res) => {
    const asked = stringList(req.body?.tickets, /^[A-Za-z0-9_-]{1,200}$/, 'tickets');
    if (typeof asked === 'string') {
      kjError(res, 400, 'INVALID_REQUEST', asked);
      return;
    }
    const at = now();
    const purpose = res.locals.purpose as Purpose;
    const summaries = asked.map((ticket) => {
      const issued = tickets.get(ticket);
      // A ticket issued for treatment does not open the record for another purpose: to the caller it is
      // as if it did not exist (saying more would confirm that the ticket is good for something else).
      if (!issued || issued.purpose !== purpose) return { ticket, error: 'TICKET_UNKNOWN' };
      if (issued.expiresAt <= at) return { ticket, error: 'TICKET_EXPIRED' };
      const person = population.byNin.get(issued.nin);
      if (!person) return { ticket, error: 'TICKET_UNKNOWN' };
      return summaryDocument(ticket, person.nin, person.summaryRecord);
    });
    res.json({ summaries });
  });

  app.use((_req: Request, res: Response) => kjError(res, 404, 'NOT_FOUND', 'Ukjent ressurs'));
  // Malformed JSON bodies: the service answers 400 in its own error format, not an HTML page.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) kjError(res, status, 'INVALID_REQUEST', 'Ugyldig forespørsel');
    else kjError(res, 500, 'INTERNAL_ERROR', 'Intern feil');
  });
  return app;
}

export function createSummaryRecordSimulator(options: SummaryRecordSimulatorOptions = {}): SimulatorDefinition {
  const now = options.now ?? Date.now;
  return {
    system: 'summary-record',
    createApp: (context) => createApp(context, now),
    failure: {
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: 'SERVICE_UNAVAILABLE', message: 'Kjernejournal er midlertidig utilgjengelig' }),
    },
    // An identity number in a URL: refused in the service's own error format (numbers travel in POST bodies).
    ninInUrl: {
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: 'INVALID_REQUEST', message: 'Fødselsnummer skal ikke sendes i URL' }),
    },
    invalid: {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        summaries: [{ ticket: 42, patient: 'ukjent', allergies: 'ingen', implants: [], otherCriticalInformation: [], dispensedMedications: [{ atc: 7, utlevertDato: '31.12.2025' }] }],
      }),
    },
  };
}

export const summaryRecordSimulator: SimulatorDefinition = createSummaryRecordSimulator();
