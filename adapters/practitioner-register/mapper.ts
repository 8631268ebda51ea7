import { z } from 'zod';
import { hprNumberSchema } from '../../lib/identifiers';
import { validatePayload } from '../kit';
import type { PractitionerModel } from '../model';
import { nillable, text, wcfDateSchema, wrapped } from '../kit/wcf';

/**
 * Practitioner register answer (the SOAP Body of GetPersonsResponse) → PractitionerModel per HPR number.
 * Pure: validates the data contract and maps it. Codes are the register's `Kode` data contract, members as
 * elements: Verdi (value), Beskrivelse (text), OID (the code list's number, 9060 for 2.16.578.1.12.4.1.1.9060),
 * Aktiv (whether the code is in use). The health-personnel category must come from code list 9060.
 */
export const CATEGORY_OID = '9060';

const hprCode = z.object({
  Aktiv: text(z.enum(['true', 'false', '1', '0'])).optional(),
  Beskrivelse: text(z.string().min(1)),
  OID: text(z.string().regex(/^\d{1,9}$/)),
  Verdi: text(z.string().min(1)),
});

const approvalSchema = z.object({
  Autorisasjon: nillable(hprCode),
  Gyldig: z.object({
    // xs:boolean: WCF writes true/false, but 1/0 is the same value.
    Aktiv: text(z.enum(['true', 'false', '1', '0'])).transform((v) => v === 'true' || v === '1'),
    Fra: nillable(wcfDateSchema),
    Til: nillable(wcfDateSchema),
  }),
  Helsepersonellkategori: hprCode.extend({ OID: text(z.literal(CATEGORY_OID)) }),
  Spesialiteter: wrapped('Spesialitet', hprCode),
});

const personSchema = z.object({
  Etternavn: text(z.string().min(1)),
  Fornavn: text(z.string().min(1)),
  Godkjenninger: wrapped('Godkjenning', approvalSchema),
  HPRNummer: text(hprNumberSchema),
  Mellomnavn: nillable(z.string()),
});

export const getPersonsResponseSchema = z.object({
  GetPersonsResponse: z.object({ GetPersonsResult: wrapped('Person', personSchema) }),
});

export type HprPerson = z.infer<typeof personSchema>;

export function mapHprPerson(p: HprPerson): PractitionerModel {
  // Only approvals in force: the model has no end date, so a lapsed licence or a revoked authorisation
  // listed here would read as a valid one.
  const active = p.Godkjenninger.filter((g) => g.Gyldig.Aktiv);
  return {
    hprNumber: p.HPRNummer,
    name: { given: p.Fornavn, middle: p.Mellomnavn || null, family: p.Etternavn },
    authorisations: active.map((g) => ({
      profession: g.Helsepersonellkategori.Verdi,
      professionText: g.Helsepersonellkategori.Beskrivelse,
      validFrom: g.Gyldig.Fra,
    })),
    specialities: [...new Set(active.flatMap((g) => g.Spesialiteter.map((s) => s.Beskrivelse)))],
  };
}

/** Maps the Body's content into a map from HPR number to practitioner; unknown numbers are absent. */
export function mapGetPersonsResponse(body: unknown): Map<string, PractitionerModel> {
  const payload = validatePayload(getPersonsResponseSchema, body, 'practitioner register answer');
  return new Map(payload.GetPersonsResponse.GetPersonsResult.map((p) => [p.HPRNummer, mapHprPerson(p)]));
}
