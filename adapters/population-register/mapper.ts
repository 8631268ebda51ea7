import { z } from 'zod';
import type { AddressProtection, RegistryPerson, ResidencePeriod } from '../model';
import { BadResponseError, ninSchema, parseJson, SourceFault, validatePayload } from '../kit';

/**
 * Population register bulk answer → RegistryPerson. Pure: validates the payload and maps it.
 * Each element is a list of historical values with `erGjeldende` (is current); only current ones count.
 */
const current = <T extends z.ZodRawShape>(shape: T) => z.array(z.object({ ...shape, erGjeldende: z.boolean().optional() }).passthrough()).default([]);

const documentSchema = z
  .object({
    foedselsEllerDNummer: z.string().regex(/^\d{11}$/),
    navn: current({ fornavn: z.string().min(1), mellomnavn: z.string().optional(), etternavn: z.string().min(1) }).refine((l) => l.length > 0, 'no name'),
    foedsel: current({ foedselsdato: z.iso.date().optional() }),
    kjoenn: current({ kjoenn: z.enum(['kvinne', 'mann', 'ukjent']) }),
    adressebeskyttelse: current({ graderingsnivaa: z.enum(['ugradert', 'fortrolig', 'strengtFortrolig', 'strengtFortroligUtland']) }),
    bostedsadresse: current({
      vegadresse: z
        .object({
          adressenavn: z.string().min(1),
          adressenummer: z.object({ husnummer: z.string(), husbokstav: z.string().optional() }).optional(),
          poststed: z.object({ postnummer: z.string().regex(/^\d{4}$/), poststedsnavn: z.string() }),
          kommunenummer: z.string().regex(/^\d{4}$/).optional(),
        })
        .optional(),
      // A residence without an address (the register's form for a protected one): its municipality only.
      ukjentBosted: z.object({ bostedskommune: z.string().regex(/^\d{4}$/).optional() }).optional(),
      angittFlyttedato: z.iso.date().optional(),
      // Date-times in the register's local form (`2020-01-01T00:00`) or dates; only the day is read.
      gyldigFraOgMed: z.string().regex(/^\d{4}-\d{2}-\d{2}/).nullable().optional(),
      gyldigTilOgMed: z.string().regex(/^\d{4}-\d{2}-\d{2}/).nullable().optional(),
    }),
    geografiskTilknytning: z
      .object({ gtType: z.string(), gtKommune: z.string().regex(/^\d{4}$/).optional(), gtLand: z.string().optional() })
      .optional(),
    doedsfall: current({ doedsdato: z.iso.date().optional() }),
    // Who holds parental responsibility for whom; a holder without a number (ansvarligUtenIdentifikator) is not one
    // the graph can check a reader against, and a number that is not one refuses the answer.
    foreldreansvar: current({ ansvar: z.string().min(1), ansvarlig: ninSchema.optional(), ansvarssubjekt: ninSchema.optional() }),
  })
  .passthrough();

export const bulkResponseSchema = z.object({ dokumenter: z.array(documentSchema) });

type Document = z.infer<typeof documentSchema>;

const PROTECTION: Record<string, AddressProtection> = {
  ugradert: 'NONE',
  fortrolig: 'CONFIDENTIAL',
  strengtFortrolig: 'STRICTLY_CONFIDENTIAL',
  strengtFortroligUtland: 'STRICTLY_CONFIDENTIAL_ABROAD',
};

/** The current element of a history list: the one flagged current, else the last one. */
function pickCurrent<T extends { erGjeldende?: boolean | undefined }>(list: T[]): T | undefined {
  return list.find((e) => e.erGjeldende === true) ?? list.at(-1);
}

/**
 * The dated residences, oldest first, reduced to municipality and period: none unless the register dates at least one
 * (a person who never moved has today's residence only, undated). An element no longer current without its own end
 * ended when the next one began.
 */
function residenceHistory(list: Document['bostedsadresse']): ResidencePeriod[] | undefined {
  if (!list.some((r) => r.gyldigFraOgMed || r.gyldigTilOgMed || r.angittFlyttedato || r.erGjeldende === false)) return undefined;
  const known = list
    .flatMap((r) => {
      const municipalityNumber = r.vegadresse?.kommunenummer ?? r.ukjentBosted?.bostedskommune;
      return municipalityNumber ? [{ municipalityNumber, from: r.angittFlyttedato ?? r.gyldigFraOgMed?.slice(0, 10) ?? null, to: r.gyldigTilOgMed?.slice(0, 10) ?? null, current: r.erGjeldende !== false }] : [];
    })
    // Ended ones by when they began, today's last.
    .sort((a, b) => Number(a.current) - Number(b.current) || (a.from ?? '').localeCompare(b.from ?? ''));
  return known.map(({ current, ...r }, i) => (current || r.to !== null ? r : { ...r, to: known[i + 1]?.from ?? r.from }));
}

/**
 * Who holds parental responsibility for the person: the current elements about this person (`ansvarssubjekt` the
 * document's own number, or unstated), by the holder's number, once each. A holder's own document lists the children
 * they are responsible for (ansvarssubjekt another number): those are not this person's parents.
 */
function parentalResponsibility(doc: Document): string[] {
  const holders = doc.foreldreansvar
    .filter((e) => e.erGjeldende !== false && (e.ansvarssubjekt === undefined || e.ansvarssubjekt === doc.foedselsEllerDNummer))
    .flatMap((e) => (e.ansvarlig && e.ansvarlig !== doc.foedselsEllerDNummer ? [e.ansvarlig] : []));
  return [...new Set(holders)];
}

export function mapPerson(doc: Document): RegistryPerson {
  const name = pickCurrent(doc.navn);
  if (!name) throw new BadResponseError('person document without a name');
  const grading = pickCurrent(doc.adressebeskyttelse)?.graderingsnivaa ?? 'ugradert';
  const addressProtection = PROTECTION[grading] ?? 'NONE';
  const road = pickCurrent(doc.bostedsadresse)?.vegadresse;
  // Defence in depth: a strictly confidential address is dropped even if the register sent one.
  const releasable = addressProtection === 'NONE' || addressProtection === 'CONFIDENTIAL';
  const houseNumber = road?.adressenummer ? `${road.adressenummer.husnummer}${road.adressenummer.husbokstav ?? ''}` : null;
  const sex = pickCurrent(doc.kjoenn)?.kjoenn;
  const history = residenceHistory(doc.bostedsadresse);
  const parents = parentalResponsibility(doc);
  return {
    name: { given: name.fornavn, middle: name.mellomnavn ?? null, family: name.etternavn },
    birthDate: pickCurrent(doc.foedsel)?.foedselsdato ?? null,
    sex: sex === 'kvinne' ? 'FEMALE' : sex === 'mann' ? 'MALE' : null,
    deceasedDate: pickCurrent(doc.doedsfall)?.doedsdato ?? null,
    address:
      releasable && road
        ? { street: road.adressenavn, houseNumber, postalCode: road.poststed.postnummer, city: road.poststed.poststedsnavn }
        : null,
    addressProtection,
    municipalityNumber: doc.geografiskTilknytning?.gtKommune ?? road?.kommunenummer ?? null,
    ...(history ? { residenceHistory: history } : {}),
    ...(parents.length ? { parentalResponsibility: parents } : {}),
  };
}

/** Parses a bulk answer into a map from identity number to person. */
export function mapBulkResponse(body: unknown): Map<string, RegistryPerson> {
  const payload = validatePayload(bulkResponseSchema, parseJson(body, 'population register answer'), 'population register answer');
  return new Map(payload.dokumenter.map((doc) => [doc.foedselsEllerDNummer, mapPerson(doc)]));
}

/**
 * The custom extract (tilpasset uttrekk). The order is answered `{ "jobbId": "..." }`; the id goes into the batch URLs,
 * so it must be a plain URL segment.
 */
const orderSchema = z.object({ jobbId: z.string().regex(/^[A-Za-z0-9._~-]{1,200}$/) });

/**
 * A batch is answered `{ "foedselsEllerDNummer": [...] }`; the batch after the last is answered `{}` (or an empty list).
 * Anything else is refused: an answer without the list but with something else in it (another operation's answer, a
 * vendor's error body) is not the end of the extract, and taking it for one would cut the extract short in silence.
 */
const batchSchema = z.union([
  z.object({ foedselsEllerDNummer: z.array(ninSchema) }).passthrough(),
  z.object({}).strict(),
]);

/**
 * A 200 answer that carries the register's error text (`feilmelding`) is its refusal, reported by that fact alone: the
 * text is never read, as it may name people.
 */
function refusedInBody(payload: unknown): void {
  const text = typeof payload === 'object' && payload !== null ? (payload as { feilmelding?: unknown }).feilmelding : undefined;
  if (typeof text === 'string' && text.length > 0) throw new SourceFault({ protocol: 'Folkeregisteret', code: 'feilmelding', status: 200 });
}

/** The job id of an extract order. */
export function mapExtractOrder(body: unknown): string {
  const payload = parseJson(body, 'population register extract order');
  refusedInBody(payload);
  return validatePayload(orderSchema, payload, 'population register extract order').jobbId;
}

/** One batch of an extract: its identity numbers, or null for the end marker (`{}`, or an empty list). */
export function mapExtractBatch(body: unknown): string[] | null {
  const payload = parseJson(body, 'population register extract batch');
  refusedInBody(payload);
  const batch = validatePayload(batchSchema, payload, 'population register extract batch');
  const numbers = 'foedselsEllerDNummer' in batch ? batch.foedselsEllerDNummer : [];
  return numbers.length ? numbers : null;
}
