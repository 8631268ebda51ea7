import express from 'express';
import type { Person, PowerOfAttorney } from '../population';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { requireBearer } from '../kit/auth';

/**
 * Representation register simulator: the powers of attorney (fullmakter) citizens have given one another, as the
 * national citizens' portal (helsenorge.no) keeps them, served the way a national register's REST API would be: a
 * batch search by POST with the granters' numbers in the body (never an identity number in a URL), a bearer token,
 * and the grants in the register's Norwegian field names:
 *
 *   POST /fullmakt/api/v1/fullmakter/soek  { "fullmaktsgivere": ["03864013065", …] }
 *   → { "fullmakter": [{ "id", "fullmaktsgiver", "fullmektig", "omraader": ["INNSYN", "MELDINGER", "SPERRING"],
 *                        "gyldigFraOgMed": "2025-09-27", "gyldigTilOgMed": null }] }
 *
 * Every grant the asked granters gave, ended ones included (their `gyldigTilOgMed` in the past): the consumer decides
 * what holds today. A granter who gave none is not in the answer.
 */
export const SEARCH_PATH = '/fullmakt/api/v1/fullmakter/soek';
const MAX_GRANTERS = 100;

const OMRAADE: Record<PowerOfAttorney['scopes'][number], string> = {
  READ: 'INNSYN',
  MESSAGE: 'MELDINGER',
  BLOCK: 'SPERRING',
};

export function fullmakter(p: Person): Record<string, unknown>[] {
  return (p.powersOfAttorney ?? []).map((g) => ({
    id: g.id,
    fullmaktsgiver: p.nin,
    fullmektig: g.representativeNin,
    omraader: g.scopes.map((s) => OMRAADE[s]),
    gyldigFraOgMed: g.from,
    gyldigTilOgMed: g.to,
  }));
}

function createApp({ instance, population }: SimulatorContext): express.Express {
  const app = express();
  app.use(express.json({ limit: '256kb' }));
  app.post(SEARCH_PATH, requireBearer(String(instance.options.apiKey ?? '')), (req, res) => {
    const numbers: unknown = req.body?.fullmaktsgivere;
    if (!Array.isArray(numbers) || numbers.some((n) => typeof n !== 'string')) {
      res.status(400).json({ feilkode: 'UGYLDIG_FORESPORSEL', feilmelding: 'fullmaktsgivere må være en liste av fødselsnumre' });
      return;
    }
    if (numbers.length > MAX_GRANTERS) {
      res.status(400).json({ feilkode: 'FOR_MANGE', feilmelding: `maks ${MAX_GRANTERS} fullmaktsgivere per søk` });
      return;
    }
    const found = [...new Set(numbers as string[])].flatMap((nin) => {
      const person = population.byNin.get(nin);
      return person ? fullmakter(person) : [];
    });
    res.json({ fullmakter: found });
  });
  return app;
}

export const representationRegisterSimulator: SimulatorDefinition = {
  system: 'representation-register',
  createApp,
  failure: { status: 500, contentType: 'application/json', body: JSON.stringify({ feilkode: 'INTERN_FEIL', feilmelding: 'Intern feil i fullmaktsregisteret' }) },
  invalid: { status: 200, contentType: 'application/json', body: JSON.stringify({ fullmakter: [{ id: 17, fullmaktsgiver: 'ukjent', omraader: 'INNSYN' }] }) },
};
