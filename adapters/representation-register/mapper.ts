import { z } from 'zod';
import type { PowerOfAttorneyModel, RepresentationModel, RepresentationScope } from '../model';
import { ninSchema, parseJson, validatePayload } from '../kit';

/**
 * Representation register answer → RepresentationModel, per granter. Pure: validates the payload and maps it.
 *
 * The register answers the powers of attorney (fullmakter) the asked granters (fullmaktsgivere) have given, ended
 * ones included: `fullmaktsgiver` and `fullmektig` by identity number, the areas it covers (`omraader`), and its
 * period (`gyldigFraOgMed`, `gyldigTilOgMed`, a date or absent/null until withdrawn). A granter with no grant is not
 * in the answer (null). An area the graph does not know grants nothing (the grant keeps the areas it knows); a
 * number that is not an identity number, or a grant to the granter herself, refuses the answer.
 */
const SCOPES: Record<string, RepresentationScope> = {
  INNSYN: 'READ',
  MELDINGER: 'MESSAGE',
  SPERRING: 'BLOCK',
};

/** Dates, or date-times of which the day is read. */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/);

const grantSchema = z
  .object({
    id: z.string().min(1),
    fullmaktsgiver: ninSchema,
    fullmektig: ninSchema,
    omraader: z.array(z.string().min(1)),
    gyldigFraOgMed: day,
    gyldigTilOgMed: day.nullable().optional(),
  })
  .passthrough()
  .refine((g) => g.fullmektig !== g.fullmaktsgiver, { message: 'a grant to the granter herself', path: ['fullmektig'] });

export const searchResponseSchema = z.object({ fullmakter: z.array(grantSchema) });

type Grant = z.infer<typeof grantSchema>;

export function mapGrant(g: Grant): PowerOfAttorneyModel {
  const scopes = [...new Set(g.omraader.flatMap((o) => (SCOPES[o] ? [SCOPES[o]] : [])))];
  return {
    id: g.id,
    granterNin: g.fullmaktsgiver,
    representativeNin: g.fullmektig,
    scopes,
    from: g.gyldigFraOgMed.slice(0, 10),
    to: g.gyldigTilOgMed ? g.gyldigTilOgMed.slice(0, 10) : null,
  };
}

/** Parses an answer into a map from the granter's identity number to the grants they gave (oldest first). */
export function mapSearchResponse(body: unknown): Map<string, RepresentationModel> {
  const payload = validatePayload(searchResponseSchema, parseJson(body, 'representation register answer'), 'representation register answer');
  const out = new Map<string, RepresentationModel>();
  for (const grant of payload.fullmakter.map(mapGrant)) {
    const model = out.get(grant.granterNin) ?? { grants: [] };
    model.grants.push(grant);
    out.set(grant.granterNin, model);
  }
  for (const model of out.values()) model.grants.sort((a, b) => a.from.localeCompare(b.from) || a.id.localeCompare(b.id));
  return out;
}
