import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { containsNin } from '../../lib/nin';
import type { Address, Person } from '../population';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { requireBearer } from '../kit/auth';

/**
 * Population register (Folkeregisteret) simulator, modelled on the register's REST API for health
 * services: a bulk look-up by POST (numbers in the body), person documents whose elements are lists with
 * an `erGjeldende` (is current) flag, and `geografiskTilknytning` for routing. A strictly confidential
 * address is never released: the document then has no `bostedsadresse` with an address.
 *
 * The address history (bostedsadresse, one element per residence, each dated as the register dates it:
 * `angittFlyttedato` the reported moving day, `gyldigFraOgMed` and `gyldigTilOgMed`) is sent for a person who
 * moved, so that the records of the municipalities they lived in can be found. For a strictly confidential address
 * each residence is reduced to its municipality (`ukjentBosted.bostedskommune`, the form the register has for a
 * residence without an address), the same thing `geografiskTilknytning` releases for today's.
 *
 * Parental responsibility (`foreldreansvar`) is on the child's document, one element per holder (`ansvar` felles,
 * mor, far or medmor; `ansvarlig` the holder's number, `ansvarssubjekt` the child's), and on each holder's.
 *
 * The custom extract (tilpasset uttrekk) lists the identity numbers of the persons who meet some criteria, in three
 * steps as the register's API has them: `POST /folkeregisteret/api/v1/uttrekk/tilpasset` orders a job and answers its
 * `jobbId`; `GET /folkeregisteret/api/v1/uttrekk/{jobbId}/batch/{batchnummer}` (from 0) answers one batch of numbers,
 * `{ "foedselsEllerDNummer": [...] }`, and `{}` after the last one; the bulk look-up then reads the persons. See
 * `extractRoutes` below for the criteria and the answers.
 */
const GRADERING: Record<Person['addressProtection'], string> = {
  NONE: 'ugradert',
  CONFIDENTIAL: 'fortrolig',
  STRICTLY_CONFIDENTIAL: 'strengtFortrolig',
  STRICTLY_CONFIDENTIAL_ABROAD: 'strengtFortroligUtland',
};

const dateTime = (date: string) => `${date}T00:00`;

/** How the register writes who holds parental responsibility (foreldreansvar.ansvar). */
const ANSVAR: Record<NonNullable<Person['parentalResponsibility']>[number]['kind'], string> = {
  JOINT: 'felles',
  MOTHER: 'mor',
  FATHER: 'far',
  CO_MOTHER: 'medmor',
};

/**
 * Parental responsibility (foreldreansvar) as the register keeps it: an element per holder, `ansvarlig` the holder and
 * `ansvarssubjekt` the child, on the child's document and on each holder's. `children`: the children the person
 * holds it for.
 */
function foreldreansvar(p: Person, children: readonly Person[]): Record<string, unknown>[] {
  const element = (child: Person, holder: { nin: string; kind: keyof typeof ANSVAR }) => ({
    ansvar: ANSVAR[holder.kind],
    ansvarlig: holder.nin,
    ansvarssubjekt: child.nin,
    gyldigFraOgMed: dateTime(child.birthDate),
    erGjeldende: true,
  });
  return [
    ...(p.parentalResponsibility ?? []).map((holder) => element(p, holder)),
    ...children.flatMap((child) => (child.parentalResponsibility ?? []).filter((h) => h.nin === p.nin).map((holder) => element(child, holder))),
  ];
}

function vegadresse(address: Address, municipality: string | null): Record<string, unknown> {
  const houseMatch = /^(\d+)([A-Z]?)$/.exec(address.houseNumber);
  return {
    adressenavn: address.street,
    adressenummer: { husnummer: houseMatch?.[1] ?? address.houseNumber, ...(houseMatch?.[2] ? { husbokstav: houseMatch[2] } : {}) },
    poststed: { postnummer: address.postalCode, poststedsnavn: address.city },
    kommunenummer: municipality,
  };
}

/** The residences, oldest first: the earlier ones (ended), then today's (dated where the person moved). */
function bostedsadresser(p: Person, released: boolean): Record<string, unknown>[] {
  const place = (address: Address | null, municipality: string | null) =>
    released && address ? { vegadresse: vegadresse(address, municipality) } : municipality ? { ukjentBosted: { bostedskommune: municipality } } : null;
  const earlier = (p.earlierResidences ?? []).flatMap((r) => {
    const where = place(r.address, r.municipality);
    return where ? [{ angittFlyttedato: r.from, gyldigFraOgMed: dateTime(r.from), gyldigTilOgMed: dateTime(r.to), ...where, erGjeldende: false }] : [];
  });
  const where = released || earlier.length ? place(p.address, p.municipality) : null;
  const today = where ? [{ ...(p.residentSince ? { angittFlyttedato: p.residentSince, gyldigFraOgMed: dateTime(p.residentSince) } : {}), ...where, erGjeldende: true }] : [];
  return [...earlier, ...today];
}

/** The person's status in the register (personstatus): the simulated population is resident (bosatt) or dead (doed). */
function personstatus(p: Person): 'bosatt' | 'doed' {
  return p.deceasedDate ? 'doed' : 'bosatt';
}

export function personDocument(p: Person, children: readonly Person[] = []): Record<string, unknown> {
  const released = p.addressProtection === 'NONE' || p.addressProtection === 'CONFIDENTIAL';
  const residences = bostedsadresser(p, released);
  const responsibility = foreldreansvar(p, children);
  return {
    foedselsEllerDNummer: p.nin,
    identifikasjonsnummer: [{ foedselsEllerDNummer: p.nin, identifikatortype: p.kind === 'DNR' ? 'dNummer' : 'foedselsnummer', status: 'iBruk', erGjeldende: true }],
    navn: [
      // An older name, no longer current: consumers must pick the current element.
      ...(p.sex === 'female' && p.middleName ? [{ fornavn: p.givenName, etternavn: p.middleName, erGjeldende: false, gyldighetstidspunkt: '1990-01-01T00:00:00Z' }] : []),
      { fornavn: p.givenName, ...(p.middleName ? { mellomnavn: p.middleName } : {}), etternavn: p.familyName, erGjeldende: true },
    ],
    foedsel: [{ foedselsdato: p.birthDate, erGjeldende: true }],
    kjoenn: [{ kjoenn: p.sex === 'female' ? 'kvinne' : 'mann', erGjeldende: true }],
    adressebeskyttelse: p.addressProtection === 'NONE' ? [] : [{ graderingsnivaa: GRADERING[p.addressProtection], erGjeldende: true }],
    ...(residences.length ? { bostedsadresse: residences } : {}),
    geografiskTilknytning: p.municipality ? { gtType: 'kommune', gtKommune: p.municipality } : { gtType: 'utland', gtLand: 'XUK' },
    doedsfall: p.deceasedDate ? [{ doedsdato: p.deceasedDate, erGjeldende: true }] : [],
    status: [{ status: personstatus(p), erGjeldende: true }],
    ...(responsibility.length ? { foreldreansvar: responsibility } : {}),
  };
}

/** The children each person holds parental responsibility for, by the holder's number. */
function childrenByHolder(persons: readonly Person[]): Map<string, Person[]> {
  const out = new Map<string, Person[]>();
  for (const child of persons) for (const h of child.parentalResponsibility ?? []) out.set(h.nin, [...(out.get(h.nin) ?? []), child]);
  return out;
}

/** How the simulated register runs its custom extracts. */
export interface ExtractSettings {
  /** Identity numbers per batch: the register's batches hold at most 1000 (MAX_EXTRACT_BATCH). */
  batchSize: number;
  /**
   * How long a job takes: batch n is ready (n + 1) times this after the order, and answered 404 until then, as the
   * register answers a batch of a job that is not finished. 0: every batch at once.
   */
  readyAfterMs: number;
}

/** The register's largest batch. */
export const MAX_EXTRACT_BATCH = 1000;

/** Small batches by default, so that the simulated population (a few hundred persons) is paged. */
export const EXTRACT_DEFAULTS: ExtractSettings = { batchSize: 100, readyAfterMs: 0 };

/** How many jobs the simulator keeps (the oldest is forgotten first: its batches are then 404). */
const JOBS_KEPT = 50;

const EXTRACT_PATH = '/folkeregisteret/api/v1/uttrekk/tilpasset';
const BATCH_PATH = '/folkeregisteret/api/v1/uttrekk/:jobbId/batch/:batchnummer';

const year = z.string().regex(/^\d{4}$/);

/**
 * The criteria of a custom extract, the subset of the register's that the simulator supports: `personstatustyper` (the
 * one field the register requires), the municipality of residence (`kommunenummer.bostedskommunenummer`, one a job),
 * years of birth (`foedselsaarFraOgMed`, `foedselsaarTilOgMed`, inclusive) and `kjoenn`. Any other field is refused.
 */
const criteriaSchema = z
  .object({
    personstatustyper: z.array(z.enum(['aktiv', 'bosatt', 'utflyttet', 'doed', 'inaktiv'])).min(1),
    kommunenummer: z.object({ bostedskommunenummer: z.string().regex(/^\d{4}$/) }).strict().optional(),
    foedselsaarFraOgMed: year.optional(),
    foedselsaarTilOgMed: year.optional(),
    kjoenn: z.enum(['kvinne', 'mann']).optional(),
  })
  .strict();
type Criteria = z.infer<typeof criteriaSchema>;

interface ExtractJob {
  numbers: string[];
  orderedAt: number;
}

/**
 * Whether a person meets the criteria. A person whose address is strictly confidential is never in an extract by
 * municipality (it would say where they live); an extract without one names no place and holds them as anyone else.
 */
function meets(p: Person, c: Criteria): boolean {
  if (!c.personstatustyper.includes(personstatus(p))) return false;
  if (c.kommunenummer) {
    if (p.addressProtection === 'STRICTLY_CONFIDENTIAL' || p.addressProtection === 'STRICTLY_CONFIDENTIAL_ABROAD') return false;
    if (p.municipality !== c.kommunenummer.bostedskommunenummer) return false;
  }
  const born = p.birthDate.slice(0, 4);
  if (c.foedselsaarFraOgMed && born < c.foedselsaarFraOgMed) return false;
  if (c.foedselsaarTilOgMed && born > c.foedselsaarTilOgMed) return false;
  if (c.kjoenn && c.kjoenn !== (p.sex === 'female' ? 'kvinne' : 'mann')) return false;
  return true;
}

/** A new job's id: opaque, and never anything the URL guards would take for an identity number. */
function newJobId(): string {
  for (;;) {
    const id = randomUUID();
    if (!containsNin(id)) return id;
  }
}

/**
 * The custom extract's routes:
 * - `POST /folkeregisteret/api/v1/uttrekk/tilpasset` with the criteria (criteriaSchema) answers `{ "jobbId": "<opaque>" }`;
 *   criteria it does not take (a field it does not know, a municipality number that is not four digits, no
 *   `personstatustyper`) are answered 400 `{ "feilmelding": ... }`. The job holds the numbers of the persons who meet
 *   them at the time of the order, in the register's order.
 * - `GET /folkeregisteret/api/v1/uttrekk/{jobbId}/batch/{batchnummer}` (from 0) answers `{ "foedselsEllerDNummer": [...] }`,
 *   at most `batchSize` numbers, and `{}` for the batch after the last (the register's end marker). A job the
 *   simulator does not know (never ordered, or forgotten), or a batch not ready yet, is answered 404 `{ "feilmelding": ... }`:
 *   the register says 404 for a job that is not finished, so that a client cannot tell the two apart and waits a while.
 * Jobs are kept for the instance's life (across `down` and back; the control API's reset forgets them).
 */
function extractRoutes(app: express.Express, { instance, population, kept }: SimulatorContext, settings: ExtractSettings): void {
  const batchSize = Math.min(Math.max(1, Math.floor(settings.batchSize)), MAX_EXTRACT_BATCH);
  // Asked for on each request: the control API's reset replaces what is kept.
  const jobs = () => kept('extractJobs', () => new Map<string, ExtractJob>());
  const auth = requireBearer(String(instance.options.apiKey ?? ''));
  app.post(EXTRACT_PATH, auth, (req, res) => {
    const parsed = criteriaSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const where = [...new Set(parsed.error.issues.map((i) => [...i.path, ...('keys' in i ? i.keys : [])].join('.') || 'kriterier'))].join(', ');
      res.status(400).json({ feilmelding: `Ugyldige kriterier for tilpasset uttrekk: ${where}` });
      return;
    }
    const criteria = parsed.data;
    const numbers = population.population.persons.filter((p) => meets(p, criteria)).map((p) => p.nin);
    const jobbId = newJobId();
    const held = jobs();
    held.set(jobbId, { numbers, orderedAt: Date.now() });
    for (const oldest of held.keys()) {
      if (held.size <= JOBS_KEPT) break;
      held.delete(oldest);
    }
    res.json({ jobbId });
  });
  app.get(BATCH_PATH, auth, (req, res) => {
    const { jobbId, batchnummer } = req.params as { jobbId: string; batchnummer: string };
    if (!/^\d{1,9}$/.test(batchnummer)) {
      res.status(400).json({ feilmelding: 'batchnummer må være et heltall fra 0' });
      return;
    }
    const job = jobs().get(jobbId);
    const n = Number(batchnummer);
    const last = Math.max(0, Math.ceil((job?.numbers.length ?? 0) / batchSize) - 1);
    if (!job || Date.now() < job.orderedAt + settings.readyAfterMs * (Math.min(n, last) + 1)) {
      res.status(404).json({ feilmelding: 'Fant ikke uttrekket, eller det er ikke ferdig' });
      return;
    }
    const batch = job.numbers.slice(n * batchSize, (n + 1) * batchSize);
    res.json(batch.length ? { foedselsEllerDNummer: batch } : {});
  });
}

function createApp(context: SimulatorContext, extract: ExtractSettings): express.Express {
  const { instance, population } = context;
  const children = childrenByHolder(population.population.persons);
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/folkeregisteret/api/v1/personer/bulkoppslag', requireBearer(String(instance.options.apiKey ?? '')), (req, res) => {
    const numbers: unknown = req.body?.foedselsnumre;
    if (!Array.isArray(numbers) || numbers.some((n) => typeof n !== 'string')) {
      res.status(400).json({ feilmelding: 'foedselsnumre må være en liste av strenger' });
      return;
    }
    if (numbers.length > 1000) {
      res.status(400).json({ feilmelding: 'maks 1000 identifikatorer per oppslag' });
      return;
    }
    const dokumenter = [];
    for (const nin of numbers as string[]) {
      const person = population.byNin.get(nin);
      if (person) dokumenter.push(personDocument(person, children.get(nin) ?? []));
    }
    res.json({ dokumenter });
  });
  extractRoutes(app, context, extract);
  // A body that is not JSON is refused in the register's own form.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if ((error as { type?: string } | null)?.type !== 'entity.parse.failed') return next(error);
    res.status(400).json({ feilmelding: 'Ugyldig JSON' });
  });
  return app;
}

/** The register's simulator with extract settings of its own (tests: a job that takes time, other batch sizes). */
export function createPopulationRegisterSimulator(extract: Partial<ExtractSettings> = {}): SimulatorDefinition {
  const settings = { ...EXTRACT_DEFAULTS, ...extract };
  return {
    system: 'population-register',
    createApp: (context) => createApp(context, settings),
    failure: { status: 500, contentType: 'application/json', body: JSON.stringify({ feilmelding: 'Intern feil i Folkeregisteret' }) },
    invalid: { status: 200, contentType: 'application/json', body: JSON.stringify({ dokumenter: [{ foedselsEllerDNummer: 12345, navn: 'ukjent' }] }) },
  };
}

export const populationRegisterSimulator: SimulatorDefinition = createPopulationRegisterSimulator();
