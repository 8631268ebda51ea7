import { z } from 'zod';
import type { AddressProtection, RegistryPerson } from '../model';
import { BadResponseError, parseJson, validatePayload } from '../kit';

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
    }),
    geografiskTilknytning: z
      .object({ gtType: z.string(), gtKommune: z.string().regex(/^\d{4}$/).optional(), gtLand: z.string().optional() })
      .optional(),
    doedsfall: current({ doedsdato: z.iso.date().optional() }),
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
  };
}

/** Parses a bulk answer into a map from identity number to person. */
export function mapBulkResponse(body: unknown): Map<string, RegistryPerson> {
  const payload = validatePayload(bulkResponseSchema, parseJson(body, 'population register answer'), 'population register answer');
  return new Map(payload.dokumenter.map((doc) => [doc.foedselsEllerDNummer, mapPerson(doc)]));
}
