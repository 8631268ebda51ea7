import { municipalityInstances } from '../../lib/config';
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import type { Person } from '../population';
import { dispenserRecordOf, type DispenserRecord } from '../population/dispenser';
import { pasient } from './eksport';

/**
 * A medicine-dispenser vendor's platform (automatic home medicine dispensers that municipalities rent; instance
 * dispenser-dosevakt), with the vendor's own REST/JSON export, modelled on what such vendors offer municipalities:
 * - `POST /api/v2/eksport/sok` with `{ "personnummer": [...], "sideToken"?: "..." }` (identity numbers in the body
 *   only), answered `{ "pasienter": [...], "nesteSideToken": null | "..." }`: at most 20 patients a page, the next
 *   page asked for by the same body with the token (opaque, bound to the numbers asked);
 * - `X-Api-Key` header, 401 without the right one;
 * - only the patients the platform holds are listed (a dispenser in their municipal care record, in a municipality
 *   whose services use this platform: organisations.json `sectorInstances`); the others are left out;
 * - every dose the dispensers released in the last 14 days is an event, with the faults (simulators/dispenser-json/eksport.ts);
 * - errors as `{ "feil": { "kode", "melding" } }` with the HTTP status.
 */
export const SEARCH_PATH = '/api/v2/eksport/sok';
export const PAGE_SIZE = 20;
export const MAX_NUMBERS = 100;

const feil = (res: Response, status: number, kode: string, melding: string) => res.status(status).json({ feil: { kode, melding } });

function requireApiKey(expected: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!expected || req.get('x-api-key') !== expected) {
      feil(res, 401, 'UGYLDIG_API_NOKKEL', 'Mangler eller ugyldig X-Api-Key');
      return;
    }
    next();
  };
}

/** What binds a page token to its search: a hash of the numbers asked (never the numbers themselves). */
function queryHash(numbers: readonly string[]): string {
  return createHash('sha256').update([...numbers].sort().join(',')).digest('base64url').slice(0, 16);
}

function sideToken(offset: number, numbers: readonly string[]): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryHash(numbers) })).toString('base64url');
}

/** The offset a token names, or undefined when it is not one of ours for this search. */
function offsetOf(token: string, numbers: readonly string[]): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    return typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o > 0 && parsed.q === queryHash(numbers) ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

/** Whom this platform holds: persons with a dispenser who live in a municipality that uses it. */
export function dispenserPatients({ instance, orgs, population }: Pick<SimulatorContext, 'instance' | 'orgs' | 'population'>): (nin: string, now?: Date) => (Person & { dispenser: DispenserRecord }) | undefined {
  const served = new Set(orgs.municipalities.filter((m) => municipalityInstances(m, 'WELFARE_TECHNOLOGY').includes(instance.id)).map((m) => m.number));
  return (nin, now = new Date()) => {
    const person = population.byNin.get(nin);
    if (!person || !served.has(person.municipality)) return undefined;
    const dispenser = dispenserRecordOf(person, now);
    return dispenser ? { ...person, dispenser } : undefined;
  };
}

function createApp(context: SimulatorContext): express.Express {
  const find = dispenserPatients(context);
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post(SEARCH_PATH, requireApiKey(String(context.instance.options.apiKey ?? '')), (req, res) => {
    const numbers: unknown = req.body?.personnummer;
    if (!Array.isArray(numbers) || numbers.length === 0 || numbers.some((n) => typeof n !== 'string' || !/^\d{11}$/.test(n))) {
      feil(res, 400, 'UGYLDIG_FORESPORSEL', 'personnummer må være en ikke-tom liste av 11-sifrede numre');
      return;
    }
    const unique = [...new Set(numbers as string[])];
    if (unique.length > MAX_NUMBERS) {
      feil(res, 400, 'FOR_MANGE_PERSONNUMMER', `maks ${MAX_NUMBERS} personnummer per søk`);
      return;
    }
    const token: unknown = req.body?.sideToken;
    let offset = 0;
    if (token !== undefined && token !== null) {
      const found = typeof token === 'string' ? offsetOf(token, unique) : undefined;
      if (found === undefined) {
        feil(res, 400, 'UGYLDIG_SIDETOKEN', 'sideToken hører ikke til dette søket');
        return;
      }
      offset = found;
    }
    const now = new Date();
    const held = unique.flatMap((nin) => {
      const person = find(nin, now);
      return person ? [pasient(nin, person.dispenser)] : [];
    });
    const next = offset + PAGE_SIZE < held.length ? sideToken(offset + PAGE_SIZE, unique) : null;
    res.json({ pasienter: held.slice(offset, offset + PAGE_SIZE), nesteSideToken: next });
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

export const dispenserJsonSimulator: SimulatorDefinition = {
  system: 'dispenser-json',
  createApp,
  failure: { status: 503, contentType: 'application/json', body: JSON.stringify({ feil: { kode: 'TJENESTE_UTILGJENGELIG', melding: 'Eksporten er midlertidig utilgjengelig' } }) },
  // Well-formed JSON, but the patient has no personnummer, the event's type is not one of the platform's and its
  // time is ISO with a zone instead of the wall clock.
  invalid: {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      pasienter: [{ dispensere: [], hendelser: [{ hendelseId: 'h1', serienummer: 'DV2-1', tidspunkt: '2026-11-01T19:00:00Z', type: 'UKJENT', legemiddel: null, planlagt: null, kvittert: null }] }],
      nesteSideToken: null,
    }),
  },
  ninInUrl: { status: 400, contentType: 'application/json', body: JSON.stringify({ feil: { kode: 'PERSONNUMMER_I_URL', melding: 'Personnummer skal ikke sendes i URL' } }) },
};
